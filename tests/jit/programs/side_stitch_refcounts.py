# Stitched side traces hand the parent's references over: values the parent owned at the
# exit (a spare object kept across calls, a fresh list) are released exactly once, when tier
# 0 would release them, so __del__ runs in the same order and sys.getrefcount agrees.
import sys


class Tracked:
    log = []

    def __init__(self, n):
        self.n = n

    def __del__(self):
        Tracked.log.append(self.n)


class Alt:
    def __init__(self):
        self.spare = None

    def get(self, obj):
        z = self.spare
        self.spare = None
        if z is None:
            self.spare = obj
            return obj.n
        return z.n * 10


def run(n):
    a = Alt()
    shared = Tracked(-1)
    counts = []
    total = 0
    for i in range(n):
        t = Tracked(i)
        total += a.get(t) + len([shared, t])
        counts.append(sys.getrefcount(shared))
    return total, counts[-3:], Tracked.log[-6:], sys.getrefcount(shared)


def pairs(n):
    a = Alt()
    kept = []
    for i in range(n):
        kept.append((Tracked(1000 + i), a.get(Tracked(2000 + i))))
        if len(kept) > 3:
            kept.pop(0)
    return [k[1] for k in kept], Tracked.log[-6:]


print(run(200))
print(pairs(200))
Tracked.log.clear()
print(Tracked.log)
