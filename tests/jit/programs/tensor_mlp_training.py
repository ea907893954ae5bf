# A two-layer MLP trained for a few steps with manual parameters and manual SGD.
import torch

x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
w1 = torch.tensor([[0.5, -0.4, 0.3], [0.2, 0.6, -0.5]], requires_grad=True)
b1 = torch.zeros(3, requires_grad=True)
w2 = torch.tensor([[0.7], [-0.3], [0.4]], requires_grad=True)
b2 = torch.zeros(1, requires_grad=True)
params = [w1, b1, w2, b2]
for step in range(60):
    h = torch.tanh(x @ w1 + b1)
    out = torch.sigmoid(h @ w2 + b2)
    loss = ((out - y) ** 2).mean()
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= 0.5 * p.grad
    if step % 15 == 0:
        print(step, "%.5f" % loss.item())
print(["%.3f" % v for v in out.flatten().tolist()])
