# C functions and methods called by their METH_* flags: NOARGS (set.pop, list.copy), O
# (list.append, len, set.add, ord), FASTCALL (divmod, getattr, list.pop, isinstance),
# FASTCALL|KEYWORDS (sorted, list.sort, max); calls that raise at some iteration, methods
# that mutate their receiver, bound builtin methods kept in a variable and switched to
# another receiver or another function mid-loop, and sys.getrefcount of the arguments.
import sys


def noargs(n):
    s = set(range(n // 2))
    out = []
    for i in range(n):
        try:
            out.append(s.pop())
        except KeyError as e:
            out.append("KeyError %r" % (e.args,))
        out.append(len([i].copy()))
    return out


print(noargs(12))


def meth_o(n):
    items = []
    seen = set()
    out = []
    for i in range(n):
        items.append(i * i)
        seen.add(i % 3)
        try:
            out.append(ord("abc"[i % 3] if i != 7 else "xy"))
        except TypeError as e:
            out.append(str(e))
        try:
            items.remove(i if i % 4 else -1)
        except ValueError as e:
            out.append(str(e))
    return items, sorted(seen), out


print(meth_o(12))


def fastcall(n):
    out = []
    lst = list(range(n))
    for i in range(n):
        try:
            out.append(divmod(10, 3 - i))
        except ZeroDivisionError as e:
            out.append(str(e))
        out.append(lst.pop())
        out.append(isinstance(i, int))
        try:
            out.append(getattr(i, "real" if i != 5 else "nope"))
        except AttributeError as e:
            out.append(str(e))
    return out


print(fastcall(9))


def fast_keywords(n):
    out = []
    data = [5, 3, 9, 1]
    for i in range(n):
        data.append(i * 7 % 5)
        data.sort()
        out.append(sorted(data)[-1])
        out.append(max(data))
        try:
            out.append(max([] if i == 4 else data))
        except ValueError as e:
            out.append(str(e))
    return out, data


print(fast_keywords(8))


def bound_builtin(n):
    a, b = [], []
    app = a.append
    for i in range(n):
        app(i)
        if i == 3:
            app = b.append
        if i == 6:
            app = len
    return a, b


try:
    print(bound_builtin(9))
except TypeError as e:
    print("TypeError", e)


def refcounts(n):
    x = object()
    out = []
    for i in range(n):
        y = x
        out.append(sys.getrefcount(x) - sys.getrefcount(y))
        out.append(sys.getrefcount(x))
    return out


print(refcounts(6))


class MyList(list):
    pass


def receivers(n):
    lists = [[], [], MyList(), []]
    for i in range(n):
        lists[i % 4 if i > 5 else 0].append(i)
    return lists


print(receivers(14))
