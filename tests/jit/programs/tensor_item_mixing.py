# .item() results mixed with Python floats and ints in a loop.
import torch

def main():
    acc = 0.0
    cnt = 0
    t = torch.linspace(0, 1, 11)
    for i in range(11):
        v = t[i].item()
        acc += v * v
        cnt += int(v > 0.5)
        acc -= float(t.sum()) / 100
    print("%.6f" % acc, cnt, type(t[0].item()).__name__)
    it = torch.tensor([3, 1, 4, 1, 5])
    s = 0
    for i in range(len(it)):
        s = s * 10 + it[i].item()
    print(s, type(it[0].item()).__name__, it.sum().item(), it.max().item())


main()
