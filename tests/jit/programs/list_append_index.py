# Appending, indexing and updating list elements in a loop.
def build(n):
    xs = []
    for i in range(n):
        xs.append(i * i)
        if i >= 2:
            xs[i - 2] = xs[i - 1] - xs[i]
    return xs

xs = build(20)
print(xs)
print(xs[-1], xs[-20], len(xs))
ys = [0] * 10
for i in range(100):
    ys[i % 10] += i
print(ys)
