# Attribute loads and stores on instances in a loop.
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

def step(ps, n):
    for _ in range(n):
        for p in ps:
            p.x = p.x + p.y
            p.y = p.y - 1
    return [(p.x, p.y) for p in ps]

ps = [Point(i, i * 2) for i in range(4)]
print(step(ps, 10))
p = Point(1, 2)
for i in range(5):
    setattr(p, "z%d" % (i % 2), i)
    p.x += getattr(p, "z0", 0)
print(sorted(vars(p).items()))
