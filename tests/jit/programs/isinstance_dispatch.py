# isinstance/type-based dispatch in a loop over heterogeneous values.
def describe(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int%d" % (v % 10)
    if isinstance(v, float):
        return "float"
    if isinstance(v, (list, tuple)):
        return "seq%d" % len(v)
    return type(v).__name__

print([describe(v) for v in [1, True, 2.0, [1], (1, 2), "x", None, 17, False]])
counts = {}
for v in [1, 2.0, "a", 3, 4.5, None, [1], 5] * 3:
    counts[type(v)] = counts.get(type(v), 0) + 1
print(sorted((t.__name__, n) for t, n in counts.items()))
