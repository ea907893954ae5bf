# Elementwise tensor ops in a loop; values printed rounded so Debian's torch is an oracle.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
y = torch.ones(2, 3)
for i in range(10):
    y = y * 0.9 + x / (i + 1) - torch.tanh(y)
    y = torch.where(y > 1.0, y - 1.0, y)
print(fmt(y))
z = torch.zeros(3)
for i in range(5):
    z = z + torch.exp(-z) * 0.5 + i
print(fmt(z), fmt(z.sqrt()), fmt(torch.relu(z - 5)))
