# nan and inf flowing through float loops: comparisons with nan are all False.
import math
def walk(vals):
    out = []
    for v in vals:
        w = v * 2.0 - 1.0
        out.append((w, w == w, w > 0, w < 0, math.isnan(w), math.isinf(w)))
    return out

for row in walk([1.5, float("inf"), float("-inf"), float("nan"), 0.5, -0.0]):
    print(row)
m = float("-inf")
for v in [3.0, float("nan"), 7.5, -2.0]:
    if v > m:
        m = v
print(m)
s = 0.0
for i in range(10):
    s += float("inf") if i == 5 else i
    s -= float("inf") if i == 8 else 0.0
print(s)
