# Instances of two classes alternating at one attribute-load site (polymorphic).
class A:
    def __init__(self, v):
        self.v = v
    def get(self):
        return self.v + 1

class B:
    __slots__ = ("v",)
    def __init__(self, v):
        self.v = v * 10
    def get(self):
        return self.v - 1

objs = [A(i) if i % 2 else B(i) for i in range(12)]
s = 0
g = 0
for o in objs:
    s += o.v
    g += o.get()
print(s, g)
objs = [A(1), A(2), B(3), B(4), A(5)]
print([o.get() for o in objs for _ in range(2)])
