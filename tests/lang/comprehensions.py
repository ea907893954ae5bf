# Comprehensions: list, set, dict, nested, conditional, generator expressions with closures.
data = [3, 1, 4, 1, 5, 9, 2, 6]
print([x * 2 for x in data if x % 2])
# expect: [6, 2, 2, 10, 18]
print(sorted({x % 3 for x in data}))
# expect: [0, 1, 2]
print({k: v for k, v in zip("abc", data)})
# expect: {'a': 3, 'b': 1, 'c': 4}
print([[i * j for j in range(3)] for i in range(3)])
# expect: [[0, 0, 0], [0, 1, 2], [0, 2, 4]]
print([(i, j) for i in range(3) for j in range(i)])
# expect: [(1, 0), (2, 0), (2, 1)]
scale = 10
print(list(x * scale for x in range(3)), [y for y in (lambda: [1, 2])()])
# expect: [0, 10, 20] [1, 2]
print([*range(3), *"ab"], (*range(2),), {**{"a": 1}, "b": 2}, sorted({*"aa", "b"}))
# expect: [0, 1, 2, 'a', 'b'] (0, 1) {'a': 1, 'b': 2} ['a', 'b']
a, *rest, z = range(6)
print(a, rest, z)
# expect: 0 [1, 2, 3, 4] 5
(p, q), r = (1, 2), 3
print(p, q, r)
# expect: 1 2 3
try:
    x, y = [1, 2, 3]
except ValueError as e:
    print(e)
# expect: too many values to unpack (expected 2)
try:
    x, y, *zz = [1]
except ValueError as e:
    print(e)
# expect: not enough values to unpack (expected at least 2, got 1)
try:
    x, y = 5
except TypeError as e:
    print(e)
# expect: cannot unpack non-iterable int object
