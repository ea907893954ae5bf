# List/dict/set/generator comprehensions, nested, with conditions, inside loops.
out = []
for n in range(1, 6):
    sq = [i * i for i in range(n) if i % 2 == 0]
    pairs = [(i, j) for i in range(n) for j in range(i) if (i + j) % 3]
    d = {i: [j for j in range(i)] for i in range(n)}
    s = sorted({i % 3 for i in range(n * 3)})
    g = sum(x for x in range(n * 100) if x % 7 == 3)
    out.append((sq, len(pairs), d[n - 1], s, g))
for row in out:
    print(row)
m = [[r * c for c in range(4)] for r in range(3)]
print([list(col) for col in zip(*m)])
