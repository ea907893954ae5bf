# A small SGD training loop: linear regression with nn.Linear, MSE loss, optim.SGD.
import torch

torch.manual_seed(0)
x = torch.linspace(-1, 1, 32).reshape(32, 1)
y = 3.0 * x - 0.5
model = torch.nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.1)
    model.bias.fill_(0.0)
opt = torch.optim.SGD(model.parameters(), lr=0.2)
loss_fn = torch.nn.MSELoss()
for step in range(40):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    if step % 8 == 0:
        print(step, "%.5f" % loss.item())
print("%.4f %.4f" % (model.weight.item(), model.bias.item()))
