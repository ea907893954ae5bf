# Inlining: reference counts and __del__ order match tier 0 across inlined returns.
import sys

class Tracked:
    log = []

    def __init__(self, n):
        self.n = n

    def __del__(self):
        Tracked.log.append(self.n)

def make(n):
    return Tracked(n)

def keep(x):
    y = x
    return sys.getrefcount(y)

def run():
    counts = set()
    for i in range(200):
        t = make(i)
        counts.add(keep(t))
    return sorted(counts), Tracked.log[:5], len(Tracked.log)

print(run())
