# autograd in a loop: backward each iteration, .grad accumulates until zeroed.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
for i in range(4):
    loss = (w * w * (i + 1)).sum() + (w ** 3).mean()
    loss.backward()
    print(i, "%.4f" % loss.item(), fmt(w.grad))
w.grad.zero_()
for i in range(3):
    (w.sin() * i).sum().backward()
print(fmt(w.grad), w.grad.shape, w.requires_grad, w.is_leaf)
