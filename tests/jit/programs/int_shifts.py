# Shifts: left shifts past 64 bits, right shifts of negatives, shift by large counts.
def shifts(n):
    out = []
    v = 1
    for i in range(n):
        v = (v << 3) | (i & 5)
        out.append(v >> (i % 11))
    return v, out

v, out = shifts(40)
print(v)
print(out[-4:])
acc = 0
for i in range(-50, 50):
    acc += (i >> 2) ^ (i << 1) & 0xFF
print(acc)
def bigshift():
    r = []
    for k in (0, 1, 63, 64, 65, 100):
        r.append(((-1) << k, (-(2**70)) >> k, (12345 >> k)))
    return r
print(bigshift())
try:
    for k in range(3, -3, -1):
        print(1 << k)
except ValueError as e:
    print("ValueError", e)
