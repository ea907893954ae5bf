# Nested loops with break/continue at both levels and for/else, while/else.
def primes(n):
    out = []
    for c in range(2, n):
        for d in range(2, c):
            if d * d > c:
                out.append(c)
                break
            if c % d == 0:
                break
        else:
            out.append(c)
    return out

print(primes(100))
i = 0
hits = []
while i < 30:
    i += 1
    if i % 3 == 0:
        continue
    if i > 25:
        break
    hits.append(i)
else:
    hits.append("else")
print(hits)
n = 0
while n < 3:
    n += 1
else:
    print("while-else ran", n)
for x in []:
    print("never")
else:
    print("for-else on empty")
