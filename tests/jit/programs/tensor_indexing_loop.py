# Tensor indexing and index assignment in a loop, out-of-range index raising IndexError.
import torch

def main():
    t = torch.arange(12).reshape(3, 4)
    acc = 0
    for i in range(3):
        for j in range(4):
            acc += t[i, j].item() * (i - j)
    print(acc, t[1].tolist(), t[:, 2].tolist(), t[-1, -2].item(), t[1:, ::2].tolist())
    try:
        for i in range(5):
            print(t[i].sum().item())
    except IndexError as e:
        print("IndexError")
    m = torch.zeros(4, dtype=torch.int64)
    for i in range(10):
        m[i % 4] += i
    print(m.tolist())


main()
