"""A placeholder training script until the tensor runtime lands: fits y = 3x + 2 by
gradient descent in plain Python and prints the loss every 20 epochs."""
import random

random.seed(0)
xs = [random.uniform(-1, 1) for _ in range(64)]
ys = [3.0 * x + 2.0 + random.gauss(0, 0.05) for x in xs]
w, b, lr = 0.0, 0.0, 0.1

for epoch in range(100):
    grad_w = grad_b = loss = 0.0
    for x, y in zip(xs, ys):
        err = w * x + b - y
        loss += err * err / len(xs)
        grad_w += 2 * err * x / len(xs)
        grad_b += 2 * err / len(xs)
    w -= lr * grad_w
    b -= lr * grad_b
    if epoch % 20 == 0 or epoch == 99:
        print(f"epoch {epoch:3d} loss {loss:.6f}")
print(f"w={w:.3f} b={b:.3f}")
