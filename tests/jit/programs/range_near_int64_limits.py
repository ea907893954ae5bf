# range iterators near the int64 limits (the loop counter must not overflow, the longrange
# iterator takes over past them).
def walk(r):
    s = 0
    n = 0
    last = None
    for v in r:
        s += v - r.start
        n += 1
        last = v
    return n, s, last

M = 2**63
for r in (range(M - 5, M - 1), range(M - 3, M + 3), range(-M, -M + 3), range(-M + 2, -M - 2, -1),
          range(M - 1, M - 10, -3), range(0, M, M // 3)):
    print(walk(r))
def count(n):
    c = 0
    for i in range(M - n, M):
        c += 1
    return c
print(count(5), count(0))
