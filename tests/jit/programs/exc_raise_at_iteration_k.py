# An exception raised at iteration k, uncaught in the function; traceback through two frames.
import traceback
def inner(i):
    if i == 7:
        raise RuntimeError("boom at %d" % i)
    return i * i

def outer(n):
    s = 0
    for i in range(n):
        s += inner(i)
    return s

print(outer(7))
try:
    outer(20)
except RuntimeError:
    print(traceback.format_exc())
