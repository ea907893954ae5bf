# Inlining: calls of bound method objects (`f = o.m; f()`, a method loaded by LOAD_ATTR and
# called later, methods kept in a list), whose self and function the trace takes from the
# method object; rebinding the method and swapping the object mid-loop.
class Acc:
    def __init__(self, k):
        self.k = k
        self.total = 0

    def add(self, v, scale=1):
        self.total += (v + self.k) * scale
        return self.total

    def sub(self, v):
        self.total -= v
        return self.total


def run():
    a, b = Acc(1), Acc(-2)
    f = a.add
    ops = [a.add, b.sub, b.add]
    out = []
    for i in range(40):
        f(i)
        g = ops[i % 3]
        g(i)
        if i == 20:
            f = b.add          # another self, same function
        if i == 30:
            f = a.sub          # another function
        if i == 35:
            Acc.add = lambda self, v, scale=1: v * 100   # class rebinding: f keeps its function
        out.append(f(i, 2) if f.__func__ is not Acc.sub else f(i))
    print(out[-5:], a.total, b.total)
    m = a.sub
    del a
    print([m(j) for j in range(3)])


run()
