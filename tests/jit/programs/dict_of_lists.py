# Grouping with setdefault / defaultdict inside loops.
from collections import defaultdict
g = {}
dd = defaultdict(list)
for i in range(30):
    g.setdefault(i % 4, []).append(i)
    dd[i % 5].append(i * i)
print(g)
print(dict(dd))
inv = {}
for k, vs in g.items():
    for v in vs:
        inv[v] = k
print([inv[i] for i in range(0, 30, 3)])
