# Set displays and comprehensions, `del obj.attr`, and function-level imports in a hot loop:
# unhashable items raising TypeError, a missing attribute's AttributeError, __delattr__
# overridden, `import x`, `from x import y`, `import a.b as c`, a failing import.
class Obj:
    pass


class Guarded:
    def __init__(self):
        self.log = []

    def __delattr__(self, name):
        self.log.append(name)


def work(i):
    import math
    from os import path as osp
    import collections.abc as cabc
    s = {i % 3, i % 5, "k", (i, i)}
    t = {j * j for j in range(i % 4)}
    try:
        u = {[i]}
    except TypeError as e:
        u = str(e)
    o = Obj()
    o.a = i
    o.b = -i
    del o.a
    try:
        del o.a
    except AttributeError as e:
        gone = str(e)
    g = Guarded()
    del g.anything
    try:
        from math import no_such_name
    except ImportError as e:
        missing = str(e).split(" (")[0]
    return (sorted(s, key=repr), sorted(t), u, vars(o), gone, g.log, missing,
            math.floor(i / 3), osp.basename("a/b%d" % i), isinstance([], cabc.Sequence))


def plain(i):
    # The same operations on a path without exceptions (inlined into the loop's trace);
    # the last iterations raise from inside it.
    import math
    from os import path as osp
    s = {i % 3, i % 5, "k"}
    o = Obj()
    o.a = i
    o.b = -i
    del o.a
    if i in (21, 22):
        del o.a  # AttributeError: leaves the trace
    g = Guarded()
    del g.anything
    item = [i] if i > 22 else i  # unhashable: TypeError from the set display
    s2 = {item, 1}
    return sorted(s, key=repr), vars(o), g.log, math.floor(i / 3), osp.basename("a/b"), len(s2)


def run(n):
    out = [work(i) for i in range(n)]
    for i in range(n + 10):
        try:
            out.append(plain(i))
        except (AttributeError, TypeError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out


for row in run(15):
    print(row)
