# `x or y` / `x and y` on values that are not bools, in a hot loop: ints, floats, strings,
# lists, None, objects with __bool__ and __len__ (one raising), the value kept or dropped,
# chains, and both directions changing under the trace.
class B:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        if self.v == 13:
            raise ValueError("no truth for 13")
        return self.v % 3 == 0


class L:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def pick(i):
    name = ("" if i % 4 == 0 else "n%d" % i) or "default"
    items = (i % 5 and [i]) or []
    ratio = (i % 3 * 0.5) or None
    both = i and i - 1 and i - 2
    obj = L(i % 2) or "empty"
    return name, items, ratio, both, getattr(obj, "n", obj)


def run(n):
    out = []
    for i in range(n):
        try:
            b = B(i) and "truthy"
            b = b if isinstance(b, str) else "B(%d)" % b.v
        except ValueError as e:
            b = str(e)
        out.append((pick(i), b, (i % 7) or (i % 2) or -1))
    return out


for row in run(20):
    print(row)
