# Calls with keyword arguments and keyword-only parameters, inlined by tier 0 and tier 1:
# keywords naming positional-or-keyword and keyword-only parameters, defaults for both,
# **kwargs collecting unknown keywords (and a positional-only name), *args with keywords,
# a method called with keywords; __kwdefaults__ mutated in place and replaced mid-loop;
# then the errors CPython raises (missing, duplicate, unexpected, positional-only).
def f(a, b=2, *, c=3, d):
    return a + b * 10 + c * 100 + d * 1000


def g(a, /, b, *args, k=1, **kw):
    return (a, b, args, k, sorted(kw.items()))


def h(x, *, scale=1.5):
    return x * scale


class Box:
    def __init__(self):
        self.n = 0

    def add(self, v, *, times=1):
        self.n += v * times
        return self.n


def run():
    s = 0
    out = []
    box = Box()
    for i in range(120):
        s += f(i, d=1) + f(i, 3, d=2, c=4) + f(a=i, d=3) + f(d=i, a=1, b=2)
        out.append(g(i, i + 1))
        out.append(g(i, b=2, k=5, z=9, a=7))
        out.append(g(i, 1, 2, 3, k=i))
        s += h(i) + h(x=i, scale=2)
        s += box.add(i) + box.add(v=1, times=i % 3)
        if i == 50:
            h.__kwdefaults__['scale'] = 3.0
        if i == 70:
            f.__kwdefaults__ = {'c': 7}
        if i == 90:
            f.__defaults__ = (5,)
    print(s, out[-6:], box.n)


def errors():
    for i in range(40):
        for call in (lambda: f(1), lambda: f(1, d=2, e=3), lambda: f(1, 2, 3, d=4),
                     lambda: f(1, a=2, d=3), lambda: g(a=1, b=2) if i % 2 else g(1, 2, b=3)):
            try:
                call()
            except TypeError as e:
                if i == 39:
                    print("TypeError", e)


run()
errors()
