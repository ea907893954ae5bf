# Side traces that start inside an inlined call: the callee alternates between two paths
# (state kept on an object, like random.gauss's spare value), the side trace finishes the
# callee, returns into the loop and runs up to the loop head; an exception raised on the
# side path keeps its traceback; a frame inspected from the side path is tier 0's.
import sys


class Pairs:
    def __init__(self):
        self.spare = None
        self.k = 0

    def next(self, scale):
        z = self.spare
        self.spare = None
        if z is None:
            self.k += 1
            a = self.k * 0.5
            z = a * 2.0 - 1.0
            self.spare = a + 0.25
            depth = sys._getframe(1).f_code.co_name
            if self.k == 150:
                raise ValueError("spare " + depth)
        return z * scale


def draw(p, n):
    out = []
    for i in range(n):
        out.append(p.next(3))
    return out


p = Pairs()
vals = draw(p, 200)
print(len(vals), vals[:4], vals[-4:])
try:
    draw(p, 200)
except ValueError as e:
    import traceback
    tb = traceback.extract_tb(e.__traceback__)
    print("caught", e, [(f.name, f.line) for f in tb])
print(p.k, p.spare)
