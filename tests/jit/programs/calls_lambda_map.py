# Lambdas and higher-order builtins (map, filter, sorted, min with key) in a loop.
fs = [lambda x: x + 1, lambda x: x * x, lambda x: -x, abs]
out = []
for i in range(-3, 4):
    out.append([f(i) for f in fs])
print(out)
print(list(map(lambda p: p[0] * p[1], zip(range(5), range(5, 10)))))
print(sorted(range(-5, 5), key=lambda v: (v * v, v)), min(range(10), key=lambda v: (v - 4.5) ** 2))
