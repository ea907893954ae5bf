# Tuple packing/unpacking, swaps and starred targets in a loop.
a, b = 0, 1
fibs = []
for _ in range(50):
    a, b = b, a + b
    fibs.append(a)
print(fibs[-3:])
pairs = [(i, i * i, -i) for i in range(6)]
s = 0
for x, y, z in pairs:
    s += x * y - z
print(s)
for first, *rest in [(1, 2, 3), (4,), [5, 6]]:
    print(first, rest)
try:
    for x, y in [(1, 2), (3, 4, 5)]:
        print(x, y)
except ValueError as e:
    print("ValueError:", e)
try:
    for x, y in [(1, 2), (3,)]:
        print(x, y)
except ValueError as e:
    print("ValueError:", e)
