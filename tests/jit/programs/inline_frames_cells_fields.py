# Inlined callees' locals, closure cells, bound-method fields and function versions, as
# traces read and write them: a callee storing to its locals (finalizers of the replaced
# values print), a cell emptied mid-loop (NameError for the free variable), bound methods
# made per iteration and rebound to another receiver, and __code__ / __defaults__ replaced
# mid-loop (the function's version changes).
class Noisy:
    def __init__(self, tag, log):
        self.tag = tag
        self.log = log

    def __del__(self):
        self.log.append("del " + self.tag)


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
