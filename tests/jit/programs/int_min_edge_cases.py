# int64 boundary cases that unboxed arithmetic gets wrong: -2**63 // -1, abs/neg of
# -2**63, products and sums landing exactly on and just past the int64 limits.
MIN = -2**63
MAX = 2**63 - 1
def edges(vals, divs):
    out = []
    for v in vals:
        for d in divs:
            out.append((v // d, v % d, v * d, v + d, v - d))
    return out

for row in edges([MIN, MIN + 1, MAX, MAX - 1, -1, 0], [-1, 1, 2, -2, MAX, MIN]):
    print(row)
acc = []
for v in [MIN, MAX, 0, -1]:
    acc.append((-v, abs(v), ~v, v << 1, v >> 63, v >> 64, (v & 0xFFFF), v ^ MIN))
print(acc)
x = 2**31
y = 2**32
prods = []
for i in range(3):
    prods.append(x * y * (i + 1) - 1)
    prods.append((MAX - i) + (i + 1))
print(prods)
