# Four nested loops, inner trip counts depending on outer variables.
def count(n):
    c = 0
    s = 0
    for a in range(n):
        for b in range(a, n):
            for d in range(b - a + 1):
                e = 0
                while e < d:
                    s += a * b - d + e
                    e += 2
                c += 1
    return c, s

print(count(12))
print(count(1))
