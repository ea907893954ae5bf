# Tensor errors (shape mismatch in matmul) raised at iteration k and caught.
import torch

def main():
    a = torch.ones(2, 3)
    ok = 0
    for n in (3, 3, 4, 3):
        try:
            b = torch.ones(n, 2)
            c = a @ b
            ok += int(c.sum().item())
        except RuntimeError:
            print("RuntimeError at n=%d" % n)
    print(ok)
    try:
        torch.ones(2).view(3)
    except RuntimeError:
        print("RuntimeError view")


main()
