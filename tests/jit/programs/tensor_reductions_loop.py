# Reductions (sum/mean/max/argmax/softmax) in a loop over growing slices.
import torch

def fmt(t):
    return [("%.4f" % v).replace("-0.0000", "0.0000") for v in t.flatten().tolist()]

data = torch.tensor([[1.0, -2.0, 3.0, 0.5], [4.0, 0.0, -1.0, 2.0], [-3.0, 5.0, 1.0, 1.0]])
for k in range(1, 5):
    s = data[:, :k]
    print(k, fmt(s.sum(dim=1)), fmt(s.mean(dim=0)), s.argmax(dim=1).tolist(),
          fmt(s.max(dim=1).values), fmt(torch.softmax(s, dim=1)[0]))
