# Class attributes and methods read through an instance while the instance gains a
# shadowing attribute, loses it, the class attribute is rebound, the method is replaced,
# and __getattribute__/__setattr__ are added to the class mid-loop.
class K:
    scale = 3
    def f(self, v):
        return v * self.scale
    def g(self):
        return "g"

def run(n):
    k = K()
    out = []
    for i in range(n):
        out.append((k.scale, k.f(i), k.g(), K.scale))
        k.count = i
        if i == 2:
            k.scale = 10              # shadows the class attribute (inline values)
        if i == 4:
            del k.scale
        if i == 5:
            K.scale = 0.5             # class attribute rebound
        if i == 6:
            k.g = lambda: "instance g"   # an instance attribute shadows the method
        if i == 8:
            del k.g
            K.f = lambda self, v: -v  # the method replaced
        if i == 10:
            K.__getattribute__ = lambda self, name: object.__getattribute__(self, name) if name != "scale" else 99
        if i == 12:
            del K.__getattribute__
            K.__setattr__ = lambda self, name, v: object.__setattr__(self, name, str(v))
        if i == 14:
            out.append(k.count)
            del K.__setattr__
    out.append(k.count)
    return out

print(run(17))
