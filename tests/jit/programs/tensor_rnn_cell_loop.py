# A hand-written RNN cell unrolled in a loop with backward through time.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

wx = torch.tensor([[0.3, -0.1], [0.2, 0.4]], requires_grad=True)
wh = torch.tensor([[0.5, 0.1], [-0.2, 0.3]], requires_grad=True)
h = torch.zeros(1, 2)
xs = [torch.tensor([[float(i), 1.0 - i * 0.3]]) for i in range(6)]
for x in xs:
    h = torch.tanh(x @ wx + h @ wh)
loss = (h ** 2).sum()
loss.backward()
print(fmt(h), fmt(wx.grad), fmt(wh.grad))
