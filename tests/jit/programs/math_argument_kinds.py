# Arguments of the math functions other than plain floats: ints (small, int64, huge), bools,
# a float subclass, objects with __float__ / __index__, and a type that changes mid-loop.
import math


class MyFloat(float):
    pass


class HasFloat:
    calls = 0

    def __init__(self, v):
        self.v = v

    def __float__(self):
        HasFloat.calls += 1
        return self.v


class HasIndex:
    def __index__(self):
        return 7


def run(fn, values):
    out = []
    for v in values:
        try:
            out.append(repr(fn(v)))
        except (ValueError, OverflowError, TypeError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out


ARGS = [1, 2, 3, 4, 5, 6, 0, -3, 2**53 + 1, 2**62, -(2**63), 2**63, 10**30, 10**400,
        -(10**400), True, False, MyFloat(2.25), MyFloat(-1.0), HasFloat(0.75),
        HasFloat(-4.0), HasIndex(), "x", None, 9.0, 10, 11.5]
for name in ["sqrt", "log", "log2", "log10", "exp", "sin", "atan", "fabs", "cosh"]:
    print(name, " ".join(run(getattr(math, name), ARGS)))
print("__float__ calls", HasFloat.calls)


# An int loop counter straight into math: int64 -> double conversion rounds as CPython.
def ints(n):
    t = 0.0
    big = 2**60 + 1
    for i in range(n):
        t += math.sqrt(i) + math.log(big + i) + math.atan(i - 50)
    return t


print(repr(ints(200)))


# math.log with a base: two arguments, an ordinary call.
def with_base(n):
    out = []
    for i in range(1, n):
        out.append(math.log(i * 8, 2))
    return out


print(with_base(12))
