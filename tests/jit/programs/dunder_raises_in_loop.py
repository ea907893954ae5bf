# Special methods that raise inside a loop (__eq__ in `in`, __hash__ in a dict lookup,
# __bool__ in a branch, __index__ in subscripts, __len__ returning a bad value): each
# traceback must name the right line.
import traceback
class Bad:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        if self.n == 3:
            raise ValueError("eq %d" % self.n)
        return False
    def __hash__(self):
        if self.n == 4:
            raise TypeError("hash %d" % self.n)
        return self.n
    def __bool__(self):
        if self.n == 5:
            raise RuntimeError("bool %d" % self.n)
        return self.n % 2 == 0
    def __index__(self):
        if self.n == 6:
            raise KeyError("index %d" % self.n)
        return self.n % 3
    def __len__(self):
        return -self.n if self.n == 7 else self.n

def probe(kind, objs):
    hits = 0
    lst = [10, 20, 30]
    d = {}
    for o in objs:
        if kind == "in":
            hits += o in lst
        elif kind == "hash":
            d[o] = 1
        elif kind == "bool":
            if o:
                hits += 1
        elif kind == "index":
            hits += lst[o]
        else:
            hits += len(o)
    return hits

for kind in ("in", "hash", "bool", "index", "len"):
    try:
        print(kind, probe(kind, [Bad(i) for i in range(9)]))
    except Exception:
        print(traceback.format_exc())
