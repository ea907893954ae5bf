# Quickened code: loops run long enough for CPython's specializer to rewrite instructions
# (globals, attributes, methods, arithmetic, subscripts, builtin calls), then the
# assumptions change (globals rebound, builtins shadowed, attributes added or deleted,
# types switched, errors raised) and every result must still be CPython's.
import builtins


class P:
    def __init__(self, x):
        self.x = x

    def get(self):
        return self.x


def hot(n, items, p, d):
    total = 0
    for i in range(n):
        total += p.x + p.get() + items[i % 3] + d["k"] + len(items) + FACTOR
        items[0] = items[0] + 0
        d["k"] = d["k"]
        if isinstance(total, int) and str(i % 2) == "0":
            total -= 1
    return total


FACTOR = 2
items, d = [1, 2, 3], {"k": 4}
print(hot(200, items, P(1), d))
# expect: 2499
FACTOR = 10  # global rebound: LOAD_GLOBAL_MODULE must see the new value
print(hot(200, items, P(1), d))
# expect: 4099
real_len = builtins.len
builtins.len = lambda s: 100  # builtin replaced: LOAD_GLOBAL_BUILTIN must deopt
try:
    print(hot(200, items, P(1), d))
finally:
    builtins.len = real_len
# expect: 23499
q = P(1.5)
q.extra = 1  # another layout, float attribute
print(hot(200, items, q, d))
# expect: 4399.0
items_f = [0.5, 1.5, 2.5]
print(hot(200, items_f, P(1), {"k": 0.25}))
# expect: 3349.0


class Slots:
    __slots__ = ("x",)

    def __init__(self):
        self.x = 3

    def get(self):
        return 7


print(hot(200, items, Slots(), d))
# expect: 5699
try:
    hot(5, items, P(1), {})
except KeyError as e:
    print("KeyError", e)
# expect: KeyError 'k'
try:
    hot(5, [1, 2], P(1), d)
except IndexError as e:
    print(e)
# expect: list index out of range
gone = P(1)
del gone.x
try:
    hot(5, items, gone, d)
except AttributeError as e:
    print(e)
# expect: 'P' object has no attribute 'x'


def floats(n):
    a, b = 1.0, 0.5
    for i in range(n):
        a = a * 1.0001 - b * 0.0001 + (a < b) - (a >= 2.0)
    return round(a, 6)


print(floats(1000), floats(10))
# expect: 1.052583 1.0005


def appends(n):
    out = []
    for i in range(n):
        out.append(type(i).__name__ if i % 50 == 0 else i)
    return out[-3:], len(out), out[0], out[50]


print(appends(300))
# expect: ([297, 298, 299], 300, 'int', 'int')
try:
    for v in [[1], "ab", 3]:
        for _ in range(100):
            len(v)
except TypeError as e:
    print(e)
# expect: object of type 'int' has no len()


import math  # noqa: E402


class Slotted2:
    __slots__ = ("x", "y")

    def __init__(self):
        self.x = 2
        self.y = None


def module_and_slots(n, s):
    t = 0.0
    for i in range(n):
        t += math.pi * s.x
    return round(t, 6)


s2 = Slotted2()
print(module_and_slots(300, s2))
saved_pi = math.pi
math.pi = 3  # module attribute rebound after specialization
print(module_and_slots(300, s2))
math.pi = saved_pi
del s2.x
try:
    module_and_slots(300, s2)
except AttributeError as e:
    print(e)
# expect: 1884.955592
# expect: 1800.0
# expect: 'Slotted2' object has no attribute 'x'
