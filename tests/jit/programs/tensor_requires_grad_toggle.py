# requires_grad flipping between iterations; grad_fn presence checked each time.
import torch

def main():
    x = torch.tensor([1.0, 2.0])
    for i in range(4):
        x.requires_grad_(i % 2 == 0)
        y = (x * 3).sum()
        print(i, y.requires_grad, y.grad_fn is not None, "%.1f" % y.item())
        if y.requires_grad:
            y.backward()
            print("grad", x.grad.tolist())
            x.grad = None


main()
