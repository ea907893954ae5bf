# Ordering comparisons between incompatible types raise TypeError at iteration k; equality
# never raises; sort of a list mixing types raises.
import traceback
def order(vals):
    out = []
    for i in range(len(vals) - 1):
        a, b = vals[i], vals[i + 1]
        out.append((a == b, a != b))
        out.append(a < b)
    return out

print(order([1, 2.5, 3, True, 0]))
try:
    order([1, 2, None, 3])
except TypeError:
    print(traceback.format_exc())
try:
    sorted([3, 1, "2"])
except TypeError as e:
    print("TypeError:", e)
