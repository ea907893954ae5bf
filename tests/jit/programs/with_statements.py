# `with` blocks inside hot loops: __enter__/__exit__ order, exceptions raised inside the
# body by a helper (swallowed or not), managers without __exit__ / not managers at all,
# and a generator-based manager.
import contextlib
import traceback


class CM:
    def __init__(self, log, tag):
        self.log = log
        self.tag = tag

    def __enter__(self):
        self.log.append(("enter", self.tag))
        return self.tag

    def __exit__(self, t, v, tb):
        self.log.append(("exit", self.tag, t.__name__ if t else None))
        return t is KeyError


class NoExit:
    def __enter__(self):
        return 1


class BadEnter:
    def __enter__(self):
        raise RuntimeError("enter failed")

    def __exit__(self, *exc):
        return False


def body(n, table):
    log = []
    total = 0
    for i in range(n):
        with CM(log, i % 3) as tag:
            total += tag
            total += table[i % 11]  # KeyError at missing keys: swallowed by __exit__
        with CM(log, "outer"):
            with CM(log, "inner") as t:
                total += len(t)
    return total, len(log), log[-6:]


print(body(40, {k: k * k for k in range(11) if k != 7}))


def failing(n):
    out = []
    for i in range(n):
        try:
            if i % 5 == 4:
                with NoExit():
                    out.append("no")
            elif i % 5 == 3:
                with i:
                    out.append("int")
            elif i % 5 == 2:
                with BadEnter():
                    out.append("never")
            else:
                with CM(out, i):
                    out.append(1 / (i % 7))
        except (TypeError, RuntimeError, ZeroDivisionError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out[-12:], len(out)


print(failing(60))


@contextlib.contextmanager
def counting(acc):
    acc.append(1)
    try:
        yield len(acc)
    finally:
        acc.append(2)


def gen_managed(n):
    acc = []
    t = 0
    for i in range(n):
        with counting(acc) as k:
            t += k
            if i == n - 3:
                try:
                    with counting(acc):
                        raise ValueError("inside")
                except ValueError:
                    traceback.print_exc(limit=1, file=None)
    return t, len(acc)


print(gen_managed(50))
