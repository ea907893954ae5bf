# The math functions a trace computes on unboxed floats, at the edges of their domains:
# each loop runs hot on ordinary values first, then meets zeros, negatives, infinities,
# NaNs, overflow and underflow (CPython's exact values and errors).
import math

NAMES = ["sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
         "sinh", "cosh", "tanh", "fabs"]
EDGES = [0.0, -0.0, -1.0, 1.0, -1e-310, 5e-324, 1e-320, 0.5, -0.5, 2.0, 700.0, 709.7,
         710.0, 1000.0, -1000.0, -745.2, -746.0, 1e308, -1e308, float("inf"),
         float("-inf"), float("nan"), 1e16, 3.0e9]


def run(fn, values):
    out = []
    for v in values:
        try:
            out.append(repr(fn(v)))
        except (ValueError, OverflowError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out


for name in NAMES:
    fn = getattr(math, name)
    values = [0.25 + i / 8 for i in range(6)] + EDGES
    print(name, " ".join(run(fn, values)))


# The module attribute called directly (pinned by the module dict's version).
def direct(values):
    out = []
    for v in values:
        try:
            out.append((math.sqrt(v), math.log(v), math.exp(v)))
        except ValueError as e:
            out.append("ValueError " + str(e))
        except OverflowError as e:
            out.append("OverflowError " + str(e))
    return out


for row in direct([1.0, 2.5, 4.0, 9.0, 0.0, -0.0, -1.0, 1000.0, 3.0, float("nan"), 2.0]):
    print(row)


# Results used only for a comparison, or not at all: the error must still be raised.
def unused(values):
    hits = 0
    for v in values:
        try:
            math.log(v)
            if math.sqrt(v) > 1.5:
                hits += 1
        except ValueError:
            hits += 100
    return hits


print(unused([1.0, 4.0, 9.0, 0.5, 0.0, 16.0, -2.0, 25.0]))
