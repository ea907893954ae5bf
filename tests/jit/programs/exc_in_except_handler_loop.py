# sys.exc_info inside handlers in a loop, and bare raise re-raising in the next frame.
import sys
def check(i):
    try:
        if i % 3 == 0:
            raise ValueError(i)
        return "ok"
    except ValueError:
        t, v, tb = sys.exc_info()
        return "%s(%s)" % (t.__name__, v)

print([check(i) for i in range(7)], sys.exc_info())
def rethrow(n):
    for i in range(n):
        try:
            if i == 2:
                raise KeyError("k")
        except KeyError:
            if i == 2:
                raise
try:
    rethrow(5)
except KeyError as e:
    print("KeyError", e)
