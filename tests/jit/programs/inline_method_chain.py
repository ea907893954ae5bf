# Inlining: methods calling methods.
class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def dot(self, o):
        return self.x * o.x + self.y * o.y

    def norm2(self):
        return self.dot(self)

def run():
    s = 0
    for i in range(500):
        v = V(i, i + 1)
        s += v.norm2()
    return s

print(run())
