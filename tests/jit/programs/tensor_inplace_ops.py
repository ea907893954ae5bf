# In-place tensor ops in a loop (add_, mul_, clamp_, index assignment).
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

t = torch.zeros(2, 4)
for i in range(6):
    t.add_(i * 0.5)
    t.mul_(0.8)
    t[i % 2, i % 4] = -float(i)
    t.clamp_(min=-3.0, max=3.0)
print(fmt(t))
u = torch.arange(5, dtype=torch.float32)
v = u
for i in range(3):
    u += 1
    u[1:3] *= 2
print(fmt(v), v is u)
