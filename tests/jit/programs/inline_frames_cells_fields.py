# Inlined callees' locals, closure cells, bound-method fields and function versions, as
# traces read and write them: a callee storing to its locals (finalizers of the replaced
# values print), a cell emptied mid-loop (NameError for the free variable), bound methods
# made per iteration and rebound to another receiver, and __code__ / __defaults__ replaced
# mid-loop (the function's version changes). Frames popped with finalizers that look at
# the stack (the popped frame must be gone already: gh-99729), callees that make their
# own frame object (sys._getframe), and a RecursionError at an inlined call.
import sys

class Noisy:
    def __init__(self, tag, log):
        self.tag = tag
        self.log = log

    def __del__(self):
        self.log.append("del " + self.tag)


class Watcher:
    # Its finalizer records which function is running when it is released.
    def __init__(self, log):
        self.log = log

    def __del__(self):
        self.log.append("released under " + sys._getframe(1).f_code.co_name)


def holds_watcher(log, i):
    w = Watcher(log)  # released when this frame is popped
    return i + 1


def own_frame(i):
    f = sys._getframe()  # a frame object for this (inlined) frame
    return f.f_code.co_name + str(f.f_lineno + i - i)


def level5(i):
    return i * 3


def level4(i):
    return level5(i)


def level3(i):
    return level4(i)


def level2(i):
    return level3(i) + 1


def level1(i):
    return level2(i) + 1


def lowest_limit():
    # The lowest recursion limit allowed here (the current depth + 1), found by asking.
    k = 1
    while True:
        try:
            sys.setrecursionlimit(k)
            return k
        except RecursionError:
            k += 1


def recursion_limited(n):
    out = []
    old = sys.getrecursionlimit()
    for i in range(n):
        if i == 4:
            lowest_limit()  # three calls deeper fit, the five inlined ones do not
        try:
            out.append(level1(i))
        except RecursionError as e:
            out.append("RecursionError: " + str(e))
        if i == 6:
            sys.setrecursionlimit(old)
    sys.setrecursionlimit(old)
    return out


def pops(n):
    log = []
    out = []
    for i in range(n):
        out.append(holds_watcher(log, i))
        out.append(own_frame(i))
    return out, log


def callee_stores(i, log):
    x = Noisy("x%d" % i, log)
    x = Noisy("y%d" % i, log)  # the first one is released by the store
    y = i * 2
    y = y + 1
    return y


def make_reader():
    value = 10

    def read():
        return value

    def set_(v):
        nonlocal value
        value = v

    def clear():
        nonlocal value
        del value

    return read, set_, clear


class Acc:
    def __init__(self, start):
        self.total = start

    def add(self, v):
        self.total += v
        return self.total


def f(a, b=1):
    return a + b


def run(n):
    log = []
    out = []
    read, set_, clear = make_reader()
    accs = [Acc(0), Acc(1000)]
    for i in range(n):
        out.append(callee_stores(i, log))
        try:
            out.append(read())
        except NameError as e:
            out.append("NameError: " + str(e))
        if i == 3:
            set_("changed")
        if i == 5:
            clear()
        if i == 7:
            set_(i)
        m = accs[i % 2 if i > 8 else 0].add  # a bound method object: __func__ and __self__
        out.append(m(i))
        out.append(f(i))
        if i == 6:
            f.__code__ = (lambda a, b=1: a * b).__code__
        if i == 9:
            f.__defaults__ = (3,)
    out.append(log[:6])
    out.append(len(log))
    return out


print(run(14))
print(pops(6))
print(recursion_limited(9))
