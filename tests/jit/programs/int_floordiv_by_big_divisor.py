# Int // and % whose divisor is computed in the loop and does not fit int64 (the quotient
# is 0 or -1, the remainder the dividend or near it): no error may be left pending.
def f(n):
    b = 2**62
    out = []
    for i in range(n):
        out.append(len(out))
        q = 10 // (b * 8)
        r = -10 % (b * 4 + i)
        s = (b * 2) // -(b * 4)
    return q, r, s, out

print(f(3))
def g(n):
    d = 2**63
    acc = []
    for i in range(n):
        acc.append((i // d, -i // d, i % d, -i % -d, divmod(i, d + i)))
    return acc
print(g(4))
