# A `for` loop that has a trace is entered on arrival at its FOR_ITER, before its first
# iteration (vm.h LoopEntryHook): an empty iterator, an iterator that raises at once, a
# break or an exception in the first iteration, a generator, and a comprehension whose
# first item differs in type must all behave as in CPython.
class Boom(Exception):
    pass


def raising(n):
    if n % 5 == 0:
        raise Boom(n)
    yield from range(n)


def total(items, stop_at=None):
    s = 0
    for x in items:
        if x == stop_at:
            break
        s += x * 2
    return s


def first_fails(k):
    out = 0
    for i in range(3):
        if k % 4 == 0 and i == 0:
            raise Boom(k)
        out += i + k
    return out


def mixed(k):
    return [x * 1.5 for x in ([k, 2.0, 3] if k % 3 else [1.0 * k, 2, 3])]


results = []
for k in range(60):
    results.append(total(range(k % 7)))
    results.append(total(range(10), stop_at=k % 3))
    results.append(total([]))
    try:
        results.append(total(raising(k % 9)))
    except Boom as e:
        results.append(("boom", e.args[0]))
    try:
        results.append(first_fails(k))
    except Boom as e:
        results.append(("first", e.args[0]))
    results.append(sum(mixed(k)))
print(len(results), results[:12], results[-12:])
print(sum(r for r in results if isinstance(r, (int, float))))
