# ** with int operands giving ints, floats (negative exponent) and huge ints; abs/neg.
def powers(n):
    out = []
    for i in range(-3, n):
        out.append(2 ** i)
        out.append((-3) ** i if i >= 0 else None)
    return out

p = powers(70)
print(p[:10])
print(p[-2:])
s = 0
for i in range(-1000, 1000, 37):
    s += abs(i) - (-i)
print(s)
print(pow(7, 128, 13), pow(3, -1, 7))
