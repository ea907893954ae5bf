# Stitched side traces: the side trace starts from its parent exit's values, not from
# frames written by a deoptimization. Here the exit is taken inside an inlined callee (or in
# the middle of an expression of the loop's own frame) while the stacks below hold ints,
# floats and bools the parent computed unboxed, and objects it owns (a new str, a list).
class Alt:
    def __init__(self):
        self.spare = None

    def get(self, x):
        z = self.spare
        self.spare = None
        if z is None:
            self.spare = x + 1
            return x * 2
        return z


def ints(n):
    a = Alt()
    acc = 0
    for i in range(n):
        acc = acc + (i * 3 - 1) * 2 + a.get(i)
    return acc


def floats(n):
    a = Alt()
    acc = 0.0
    for i in range(n):
        x = i * 0.5
        acc = acc + (x * 1.5) - a.get(x) / 4
    return acc


def bools(n):
    a = Alt()
    out = []
    for i in range(n):
        out.append([i > 7, i % 3 == 0, not i, a.get(i)])
    return out[-3:], sum(1 for r in out if r[0])


def owned(n):
    a = Alt()
    out = []
    for i in range(n):
        out.append(("k" + str(i % 5), [i, i + 1], a.get(i)))
    return out[-2:]


def mid_expression(n):
    acc = 0
    for i in range(n):
        acc = acc + i * 2 + (i if i % 2 else -i)
    return acc


def deep(n):
    a = Alt()

    def inner(x):
        return 1 + a.get(x)

    def outer(x):
        return [x * 0.25, 2 * inner(x)]

    out = []
    for i in range(n):
        out.append((len(out) * 2, outer(i)))
    return out[-3:]


print(ints(300))
print(floats(300))
print(bools(300))
print(owned(300))
print(mid_expression(300))
print(deep(300))
