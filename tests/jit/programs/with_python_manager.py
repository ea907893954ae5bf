# `with` blocks whose __enter__/__exit__ are Python methods (run inline by both tiers):
# the entered value, __exit__ suppressing an exception raised in the body (and not
# suppressing: caught outside), __exit__ with explicit parameters and with *exc, nested
# blocks, and the class's __enter__ replaced mid-loop (a lambda: the guard on the
# function's version fails).
log = []


class CM:
    def __init__(self, tag):
        self.tag = tag

    def __enter__(self):
        log.append(('enter', self.tag))
        return self.tag * 2

    def __exit__(self, *exc):
        log.append(('exit', self.tag, exc[0].__name__ if exc[0] else None))
        return self.tag == 7


class Plain:
    def __enter__(self):
        return 1

    def __exit__(self, a, b, c):
        return False


def run(n):
    s = 0
    p = Plain()
    for i in range(n):
        try:
            with CM(i % 10) as v:
                s += v
                with p as one:
                    s += one
                if i % 10 in (3, 7):
                    raise ValueError(i)
        except ValueError as e:
            s += 1000 * e.args[0]
        if i == 60:
            CM.__enter__ = lambda self: -1
    return s


print(run(100), log[-12:], len(log))
