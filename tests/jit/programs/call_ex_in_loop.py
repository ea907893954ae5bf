# CALL_FUNCTION_EX in a loop: f(*args), f(*args, **kwargs) with empty and non-empty kwargs,
# a method through *args, a list as *args; then errors (not iterable, duplicate keyword)
# caught in a loop of their own.
def f(a, b=2, *rest, **kw):
    return a + b + sum(rest) + sum(kw.values())


class C:
    def m(self, x, y=0):
        return x * 10 + y


def run():
    total = 0
    c = C()
    empty = {}
    for i in range(30):
        args = (i, i + 1) if i % 4 else (i,)
        total += f(*args)
        total += f(*args, **empty)
        total += c.m(*args)
        total += f(*args, *args)
        if i % 7 == 0:
            total += f(*args, **{"z": i})
        if i == 25:
            empty["q"] = 1000      # the empty dict stops being empty mid-loop
    print(total)
    for i in range(12):
        try:
            f(*[i, i])
            f(*i)
        except TypeError as e:
            total += len(str(e))
        try:
            f(*(1,), **{"a": 3})
        except TypeError as e:
            total += len(str(e))
    print(total)


run()
