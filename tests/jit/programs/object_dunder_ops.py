# Objects with __add__/__lt__/__eq__/__hash__/__len__/__getitem__ used by a loop.
class Vec:
    def __init__(self, *c):
        self.c = c
    def __add__(self, o):
        return Vec(*(a + b for a, b in zip(self.c, o.c)))
    def __mul__(self, k):
        return Vec(*(a * k for a in self.c))
    __rmul__ = __mul__
    def __eq__(self, o):
        return self.c == o.c
    def __hash__(self):
        return hash(self.c)
    def __len__(self):
        return len(self.c)
    def __getitem__(self, i):
        return self.c[i]
    def __lt__(self, o):
        return self.c < o.c
    def __repr__(self):
        return "Vec%r" % (self.c,)

v = Vec(0, 0, 0)
for i in range(10):
    v = v + Vec(i, -i, 1) * 2
    v = 1 * v
print(v, len(v), v[1], v == Vec(90, -90, 20), sorted([Vec(2), Vec(1), Vec(3)]))
seen = {}
for i in range(6):
    seen[Vec(i % 3)] = i
print(seen)
