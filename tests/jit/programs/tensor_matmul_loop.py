# Repeated matmul in a loop (a power iteration).
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

a = torch.tensor([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
v = torch.ones(3, 1)
for i in range(30):
    w = a @ v
    v = w / w.norm()
print(fmt(v), "%.4f" % (v.t() @ a @ v).item())
m = torch.eye(3)
for i in range(4):
    m = torch.matmul(m, a) / 4.0
print(fmt(m), list(m.shape))
b = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
c = torch.arange(8, dtype=torch.float32).reshape(4, 2)
print(fmt(b @ c), list((b @ c).shape))
