# Float, int and bool locals of inlined callees stay unboxed in a trace until code could
# look at the frame: guard failures and exceptions after the stores, callees reading the
# frame (sys._getframe(1).f_locals, locals()), tracebacks' frames, side traces that start
# inside the callee, and a nested inlined call must all see the current values.
import sys


def peek_caller(*names):
    f = sys._getframe(1).f_locals
    return tuple(f.get(n, "<unbound>") for n in names)


def work(i, v):
    a = i * 0.5
    b = i + 3
    c = a > 2.0
    if i % 5 == 4:  # a side exit inside the callee with a, b, c deferred
        d = a * 2.0
        return (a, b, c, d, peek_caller("a", "b", "c", "d"))
    if i % 7 == 6:
        return sorted(locals().items())
    if v is None:  # a guard that fails after the stores
        return ("none", a, b, c)
    e = a / v  # ZeroDivisionError when v == 0.0: the traceback's frame holds a, b, c
    b = b * 2
    return (a, b, c, e)


def inner(k):
    return peek_caller("x", "y", "z")


def outer(i):
    x = i * 1.25
    y = i - 1
    z = x + y
    r = inner(i)  # an inlined call: its frame entry may run code (signal handlers)
    x = x + 1.0
    return (r, x, y, z)


def run(n):
    out = []
    for i in range(n):
        v = None if i == 11 else (0.0 if i == 13 else 2.0)
        try:
            out.append(work(i, v))
        except ZeroDivisionError as exc:
            tb = exc.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            loc = tb.tb_frame.f_locals
            out.append(("zde", loc["a"], loc["b"], loc["c"], "e" in loc))
        out.append(outer(i))
    return out


for row in run(40):
    print(row)
