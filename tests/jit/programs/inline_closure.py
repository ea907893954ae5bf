# Inlining: closures read free variables through their cells.
def make(k):
    def scale(x):
        return x * k
    return scale

def run():
    f = make(3)
    g = make(0.5)
    t = 0
    for i in range(600):
        t += f(i) + g(i)
    return t

print(run())
