# Float accumulation order matters: results must match to the last bit.
def harmonic(n):
    s = 0.0
    for k in range(1, n + 1):
        s += 1.0 / k
    return s

def kahan(n):
    s = 0.0
    c = 0.0
    for k in range(1, n + 1):
        y = 1.0 / (k * k) - c
        t = s + y
        c = (t - s) - y
        s = t
    return s

print(repr(harmonic(100000)), repr(kahan(20000)))
x = 0.1
for i in range(50):
    x = x * 1.1 + 0.3 - x / 7
print(repr(x))
print(repr(sum(i * 0.1 for i in range(1000))))
