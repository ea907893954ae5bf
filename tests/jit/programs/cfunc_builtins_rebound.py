# Builtins called directly from a trace while they are shadowed, restored and swapped for
# other C functions mid-loop (the pins on the builtins and globals dicts must notice).
import builtins
import math


def run(xs, n):
    out = []
    for i in range(n):
        out.append((len(xs), abs(-i - 0.5), min(i, 3)))
        if i == 2:
            globals()["len"] = math.fsum
        if i == 4:
            globals()["abs"] = math.fabs
        if i == 6:
            del globals()["len"]
            builtins.min = max
        if i == 8:
            builtins.min = real_min
            del globals()["abs"]
    return out


real_min = min
print(run([1, 2, 3], 11))
