# Inlining: zero-argument super() inside inlined methods.
class Base:
    def val(self, x):
        return x + 1

class Child(Base):
    def val(self, x):
        return super().val(x) * 2

class Grand(Child):
    def val(self, x):
        return super().val(x) - 3

def run():
    objs = [Base(), Child(), Grand()]
    t = 0
    for i in range(600):
        t += objs[i % 3].val(i)
    g = Grand()
    s = 0
    for i in range(300):
        s += g.val(i)
    return t, s

print(run())
