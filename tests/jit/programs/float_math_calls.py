# Calls to math functions in a float loop (C functions called from a trace).
import math
def series(n):
    s = 0.0
    for i in range(1, n):
        s += math.sin(i) * math.sqrt(i) - math.log(i) / math.exp(i % 5)
    return s

print(repr(series(2000)))
vals = []
for x in (0.5, 1.0, 2.0, -1.0):
    try:
        vals.append(math.sqrt(x))
    except ValueError as e:
        vals.append("ValueError: " + str(e))
print(vals)
print([round(math.floor(x / 3), 2) for x in range(-5, 5)])
