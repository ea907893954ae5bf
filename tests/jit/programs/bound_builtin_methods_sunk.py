# Bound builtin methods kept in locals of inlined functions (`r = rng.random`): a trace may
# never make the object when it is only called and kept (passes/sink.cpp); exits inside the
# function, side traces grown from them, an exception in the middle, and uses that need the
# real object (identity, attributes, a list holding it) must all see what CPython sees.
import random


def draw(rng, k):
    r = rng.random
    a = r()
    if k % 3 == 0:
        return a + r()           # called again on one path only: a side trace
    if k % 7 == 0:
        return a * 2.0
    return a


def draw_and_fail(rng, k):
    r = rng.random
    try:
        return r() / (k % 5)     # ZeroDivisionError every fifth call
    except ZeroDivisionError:
        return (type(r).__name__, r.__self__ is rng, r.__name__)


def escapes(rng, k, keep):
    r = rng.random
    if k % 4 == 0:
        keep.append(r)           # the real object: the list holds it
    return r()


def main():
    rng = random.Random(42)
    total = 0.0
    for k in range(300):
        total += draw(rng, k)
    print(round(total, 9))
    seen = []
    for k in range(40):
        seen.append(draw_and_fail(rng, k))
    print([s if isinstance(s, tuple) else round(s, 9) for s in seen[:12]])
    keep = []
    acc = 0.0
    for k in range(120):
        acc += escapes(rng, k, keep)
    print(round(acc, 9), len(keep), all(m.__self__ is rng for m in keep),
          len({id(m) for m in keep}) == len(keep), round(keep[-1](), 9))


main()
