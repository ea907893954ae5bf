# Attributes bound by their class's descriptor in hot loops (`f = o.method`, C methods of
# builtin bases, classmethods, staticmethods, a Python non-data descriptor), shadowed by
# the instance mid-loop, plus stores into materialized instance dicts (replaced in place)
# whose old values have __del__ and whose new values need the GC.
import gc
import random


class Tracer:
    def __init__(self, log, tag):
        self.log = log
        self.tag = tag

    def __del__(self):
        self.log.append(("del", self.tag))


class Doubler:
    def __get__(self, obj, owner):
        if obj is not None and getattr(obj, "fail", False):
            raise RuntimeError("descriptor refused")
        return lambda x: 2 * x + (0 if obj is None else obj.base)


class P:
    twice = Doubler()

    def __init__(self, base):
        self.base = base

    def m(self, x):
        return x + self.base

    @classmethod
    def c(cls, x):
        return (cls.__name__, x)

    @staticmethod
    def s(x):
        return -x


class R(random.Random):
    pass


def bound(n):
    p = P(3)
    r = R(7)
    out = 0
    log = []
    for i in range(n):
        f = p.m
        g = p.c
        h = p.s
        try:
            d = p.twice
        except RuntimeError as e:
            log.append(str(e))
            d = abs
        rnd = r.random
        out += f(i) + g(i)[1] + h(i) + d(i) + int(rnd() * 1000)
        if i == n // 2:
            p.m = lambda x: 1000          # the instance shadows the method from now on
            p.fail = True                  # the descriptor raises from now on
    return out, len(log), log[:1]


def stores(n):
    log = []
    objs = [P(k) for k in range(3)]
    for o in objs:
        o.__dict__  # materialized dicts: attribute stores go through the dict
        o.held = Tracer(log, "initial")
    total = 0
    for i in range(n):
        o = objs[i % 3]
        o.held = Tracer(log, i) if i % 5 else [i, [i]]   # __del__ of the old value runs now
        o.base = i
        total += o.base + (o.held.tag if isinstance(o.held, Tracer) else o.held[0])
    cyc = objs[0]
    cyc.held = cyc  # a cycle through the dict: the collector must find it
    del objs, o, cyc
    gc.collect()
    return total, len(log), log[-5:]


print(bound(300))
print(stores(300))


class WithGetattr:
    def __init__(self):
        self.n = 0

    def __getattr__(self, name):
        return "fallback:" + name

    @property
    def flaky(self):
        self.n += 1
        if self.n % 3 == 0:
            raise AttributeError("flaky")  # swallowed: __getattr__ answers instead
        return self.n

    def meth(self):
        return self.n


def data_descriptors(n):
    w = WithGetattr()
    c = complex(1, 2)
    out = []
    for i in range(n):
        out.append(w.flaky)
        out.append(w.meth())
        out.append(w.missing)
        out.append(c.real + c.imag)          # C getset descriptors
        if i == n // 2:
            WithGetattr.flaky = property(lambda self: "redefined")
    return out[-8:], len(out)


print(data_descriptors(200))
