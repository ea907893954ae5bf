# Inlining: calls of instances whose class defines __call__ (`model(x)`: tier 0 and traces
# run type(obj).__call__ inline holding the tp_call slot's recursion level, so RecursionError
# comes at the same depth as in CPython), tracebacks through them, keyword calls of them.
import sys
class C:
    def __init__(self): self.n = 0
    def __call__(self, k):
        self.n += 1
        if k == 0:
            return 0
        return self(k - 1) + 1
c = C()
print(c(50), c.n)
class G:
    def __call__(self, a, b=2):
        return a * b
g = G()
print([g(i) for i in range(5)], g(3, b=4))
class Raises:
    def __call__(self, x):
        return 1 / x
try:
    Raises()(0)
except ZeroDivisionError:
    import traceback; traceback.print_exc()

def depth_at(limit):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    d = 0
    class R:
        def __call__(self):
            nonlocal d
            d += 1
            self()
    try:
        R()()
    except RecursionError as e:
        msg = str(e)
    finally:
        sys.setrecursionlimit(old)
    return d, msg

# Each level of obj() costs two recursion units (the tp_call slot's and the frame's).
(d1, m1), (d2, m2) = depth_at(300), depth_at(500)
# (Which check raises it depends on the depth's parity at the start: not printed.)
print(d1 > 100, d2 - d1, m1 == m2)
