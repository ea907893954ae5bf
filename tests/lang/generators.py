# Generators: creation, next, send, throw, close, yield from, return values, generator
# expressions, StopIteration, gi_frame line numbers.
import sys


def gen(n):
    total = 0
    for i in range(n):
        got = yield i
        if got is not None:
            total += got
    return total


g = gen(4)
print(next(g), g.send(10), g.send(20), next(g))
# expect: 0 1 2 3
try:
    next(g)
except StopIteration as e:
    print("returned", e.value)
# expect: returned 30


def delegate():
    result = yield from gen(2)
    print("inner returned", result)
    yield "after"


print(list(delegate()))
# expect: inner returned 0
# expect: [0, 1, 'after']


def catcher():
    while True:
        try:
            yield "ready"
        except KeyError as e:
            print("caught", e)
        finally:
            print("finally")


c = catcher()
print(next(c))
print(c.throw(KeyError("k")))
c.close()
# expect: ready
# expect: caught 'k'
# expect: finally
# expect: ready
# expect: finally


def thrower():
    yield 1
    yield 2


t = thrower()
next(t)
try:
    t.throw(ValueError("boom"))
except ValueError as e:
    print("propagated", e, t.gi_frame)
# expect: propagated boom None

print(sum(x * x for x in range(10)), list(zip(gen(3), "abc")))
# expect: 285 [(0, 'a'), (1, 'b'), (2, 'c')]


def where():
    yield sys._getframe().f_lineno
    yield sys._getframe().f_back.f_code.co_name


w = where()
print(next(w), next(w), w.gi_frame.f_lineno)
# expect: 75 <module> 76


def inner_yield_from():
    yield from iter([1, 2])
    yield from (x for x in "ab")


print(list(inner_yield_from()))
# expect: [1, 2, 'a', 'b']
