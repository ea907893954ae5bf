# Inlining: tensor arithmetic inside inlined helpers.
import torch

def affine(x, w, b):
    return x * w + b

def loss(y, t):
    d = y - t
    return (d * d).sum()

def run():
    x = torch.ones(4)
    w = torch.full((4,), 0.5)
    b = torch.zeros(4)
    t = torch.full((4,), 2.0)
    acc = 0.0
    for i in range(200):
        y = affine(x, w, b)
        acc += loss(y, t).item()
        b = b + 0.01
    return round(acc, 4)

print(run())
