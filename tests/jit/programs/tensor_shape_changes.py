# The tensor shape changes every iteration at the same sites.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

out = []
for n in range(1, 7):
    a = torch.arange(n * 2, dtype=torch.float32).reshape(n, 2)
    b = a.sum(dim=0) + a.mean()
    c = torch.cat([a, a * 2], dim=0)
    out.append((list(c.shape), fmt(b)))
for row in out:
    print(row)
x = torch.ones(1)
for i in range(4):
    x = torch.cat([x, x * (i + 2)])
print(fmt(x), x.shape)
try:
    for n in (2, 3):
        torch.ones(2, 2) + torch.ones(n, 2)
except RuntimeError as e:
    print("RuntimeError")
