# Big trip counts (10^5) mixed with tiny ones at the same loop.
def s(n):
    t = 0
    for i in range(n):
        t += i & 0xff
    return t

res = []
for n in (0, 1, 2, 100000, 3, 100000, 1):
    res.append(s(n))
print(res)
def w(n):
    i = 0
    while i < n:
        i += 1
    return i
print([w(k) for k in (5, 100000, 0, 7)])
