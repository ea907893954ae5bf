# Nothing a loop creates may stay alive after its last reference is gone: weak references
# to every temporary must be dead right after (no gc.collect needed under refcounting).
import weakref
class Box:
    def __init__(self, v):
        self.v = v
    def __add__(self, other):
        return Box(self.v + other.v)

def run(n):
    refs = []
    acc = Box(0)
    for i in range(n):
        b = Box(i)
        acc = acc + b
        refs.append(weakref.ref(b))
        if i % 3 == 0:
            tmp = [Box(i), Box(-i)]
            refs.append(weakref.ref(tmp[0]))
    return acc.v, refs

total, refs = run(50)
print(total, len(refs), sum(r() is not None for r in refs))
def keep(n):
    kept = []
    refs = []
    for i in range(n):
        b = Box(i)
        refs.append(weakref.ref(b))
        if i % 2:
            kept.append(b)
    return kept, refs
kept, refs = keep(10)
print(len(kept), [r() is not None for r in refs])
del kept
print(sum(r() is not None for r in refs))
