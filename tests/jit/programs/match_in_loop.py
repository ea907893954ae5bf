# match statements inside a loop over heterogeneous values.
def kind(v):
    match v:
        case 0:
            return "zero"
        case int(n) if n < 0:
            return "neg"
        case [x, y]:
            return "pair:%r" % (x + y,)
        case {"k": k}:
            return "map:%r" % (k,)
        case str() as s:
            return "str:" + s
        case _:
            return "other"

print([kind(v) for v in [0, -4, 7, [1, 2], (3, 4), {"k": 9}, "s", 2.5, [1, 2, 3]]])
counts = {}
for i in range(60):
    k = kind([i, i] if i % 3 == 0 else -i if i % 3 == 1 else {"k": i})
    counts[k[:3]] = counts.get(k[:3], 0) + 1
print(counts)
