# Inlining: an nn.Module-like class called as model(x) (type __call__) and its forward.
class Module:
    def __call__(self, *args):
        return self.forward(*args)

class Lin(Module):
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return x * self.w

class Seq(Module):
    def __init__(self, *mods):
        self.mods = mods

    def forward(self, x):
        for m in self.mods:
            x = m(x)
        return x

def run():
    model = Seq(Lin(2), Lin(3))
    lin = Lin(5)
    t = 0
    for i in range(400):
        t += model(i) + lin.forward(i)
    return t

print(run())
