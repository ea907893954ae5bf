# with / async with: __enter__/__exit__, suppression, exceptions in __exit__, nested
# managers, contextlib, protocol errors.
import contextlib


class Manager:
    def __init__(self, name, suppress=False):
        self.name, self.suppress = name, suppress

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, typ, val, tb):
        print("exit", self.name, typ.__name__ if typ else None, val, tb is not None)
        return self.suppress


with Manager("a") as v, Manager("b") as w:
    print("body", v, w)
# expect: enter a
# expect: enter b
# expect: body A B
# expect: exit b None None False
# expect: exit a None None False

with Manager("s", suppress=True):
    raise KeyError("hidden")
print("after suppressed")
# expect: enter s
# expect: exit s KeyError 'hidden' True
# expect: after suppressed

try:
    with Manager("p"):
        raise ValueError("propagates")
except ValueError as e:
    print("outside", e)
# expect: enter p
# expect: exit p ValueError propagates True
# expect: outside propagates


def returns_inside():
    with Manager("r"):
        return "returned"


print(returns_inside())
# expect: enter r
# expect: exit r None None False
# expect: returned


@contextlib.contextmanager
def tag(name):
    print("<%s>" % name)
    try:
        yield name
    finally:
        print("</%s>" % name)


with tag("x") as t:
    print("inside", t)
# expect: <x>
# expect: inside x
# expect: </x>

with contextlib.suppress(ZeroDivisionError):
    1 / 0
print("suppressed division")
# expect: suppressed division

try:
    with 42:
        pass
except TypeError as e:
    print(e)
# expect: 'int' object does not support the context manager protocol


class NoExit:
    def __enter__(self):
        return self


try:
    with NoExit():
        pass
except TypeError as e:
    print(e)
# expect: 'NoExit' object does not support the context manager protocol (missed __exit__ method)
