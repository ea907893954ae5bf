# Python floats and tensors interleaved at one site (the operand types change).
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

vals = []
x = 1.0
for i in range(8):
    x = x * 1.5 if i % 2 else torch.tensor([x, -x]) * 0.5
    if not isinstance(x, float):
        x = x.sum().item() + 1.0
    vals.append("%.4f" % x)
print(vals)
t = torch.tensor(2.0)
for i in range(4):
    t = t * 2 + i if i % 2 else 3 - t
print("%.4f" % float(t), str(t.dtype))
