# Inlining: a class attribute read inside an inlined method changes mid-loop.
class Cfg:
    scale = 2

    def apply(self, x):
        return x * self.scale

def run():
    c = Cfg()
    t = 0
    for i in range(400):
        if i == 200:
            Cfg.scale = 3
        if i == 300:
            c.scale = 5
        t += c.apply(i)
    return t

print(run())
