# Boolean masks, comparisons and masked reductions in a loop; any()/all() as branch conditions.
import torch

def main():
    t = torch.tensor([3.0, -1.0, 4.0, -1.5, 5.0, -9.0])
    for thr in (-2.0, 0.0, 3.5, 10.0):
        m = t > thr
        picked = t[m]
        print(thr, m.tolist(), picked.tolist(), int(m.sum()), bool(m.any()), bool(m.all()))
        if m.any():
            print("mean %.4f" % picked.mean().item())


main()
