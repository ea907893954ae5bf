# Globals and constants a trace pins: where code may run while tier 0's stack holds one,
# the trace holds a reference too (sys.getrefcount inside the call agrees); where nothing
# can look, it does not take one (passes/borrow.cpp). The counts printed are CPython's.
import math
import sys

K = object()
SCALE = 2.5


def count(x):
    return sys.getrefcount(x)


def count_twice(x, y):
    return sys.getrefcount(x) + sys.getrefcount(y)


def pure(v):
    return math.sqrt(v * SCALE + 1.0) + math.cos(v)


def run(n):
    out = []
    total = 0.0
    for i in range(n):
        total += pure(i) * SCALE
        out.append(count(K))
        out.append(count_twice(K, K))
        pair = (K, i)
        out.append(sys.getrefcount(K) - (pair[0] is K))
    return out, round(total, 9)


counts, total = run(200)
print(counts[:9], len(set(counts)), total)
