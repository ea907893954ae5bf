# Inlining: callees with *args and **kwargs (the tuple and the empty dict built for the
# frame), defaults with extra positional arguments, errors and recursion through them.
import sys
def f(a, *args, **kw):
    return a, args, kw
def g(*args):
    return sum(args)
def h(a, b=5, *rest, **kw):
    kw["x"] = 1
    return a, b, rest, kw
class M:
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)
    def forward(self, x, y=2):
        return x * y
m = M()
out = []
for i in range(300):
    out.append((f(i), f(i, 1, 2), g(), g(i, i), h(i), h(i, 2, 3, 4), m(i), m(i, 3)))
print(out[-1], len(out))
def boom(*args):
    raise ValueError(args)
try:
    for i in range(5): boom(i, i)
except ValueError as e:
    import traceback; traceback.print_exc()
def rec(n, *a):
    return rec(n + 1, *a) if n < 10000 else n
try:
    rec(0, 1)
except RecursionError as e:
    print("rec", e)
print(rec(9990, 1, 2))
print(f.__code__.co_varnames)
