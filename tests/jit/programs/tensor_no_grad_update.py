# Gradient descent with updates under torch.no_grad() in a loop.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

target = torch.tensor([0.5, -1.0, 2.0])
p = torch.zeros(3, requires_grad=True)
for step in range(25):
    loss = ((p - target) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        p -= 0.1 * p.grad
        p.grad.zero_()
    if step % 6 == 0:
        print(step, "%.5f" % loss.item())
print(fmt(p), p.requires_grad, p.grad_fn is None)
with torch.no_grad():
    q = p * 2
print(q.requires_grad)
