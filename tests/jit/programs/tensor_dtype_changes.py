# Tensor dtypes changing across iterations; type promotion with Python scalars.
import torch

def main():
    dts = [torch.float32, torch.float64, torch.int64, torch.int32, torch.bool]
    for dt in dts:
        t = torch.ones(3, dtype=dt)
        r = t + 1
        s = t * 2.5
        c = (t > 0)
        print(str(dt), str(r.dtype), str(s.dtype), str(c.dtype), r.tolist(), s.tolist())
    a = torch.tensor([1, 2, 3])
    for i in range(3):
        a = a * 2 if i != 1 else a / 2
        print(str(a.dtype), a.tolist())


main()
