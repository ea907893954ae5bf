# A parameter used twice per iteration; gradient accumulation over iterations, detach.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

w = torch.tensor([0.5, 1.5], requires_grad=True)
total = torch.zeros(())
for i in range(5):
    a = w * i
    b = (w + 1).pow(2)
    total = total + (a * b).sum()
    if i == 2:
        total = total.detach()
total.backward()
print(fmt(w.grad), "%.4f" % total.item())
