# Inlining: staticmethods and classmethods called from the loop.
class M:
    k = 3

    @staticmethod
    def s(x):
        return x + 1

    @classmethod
    def c(cls, x):
        return x * cls.k

def run():
    t = 0
    for i in range(400):
        t += M.s(i) + M.c(i)
    return t

print(run())
