# Inlining: four frames deep, each frame with locals of its own.
def d(x):
    y = x + 3
    return y * 2

def c(x):
    z = d(x)
    return z - x

def b(x):
    w = c(x) + c(x + 1)
    return w

def a(x):
    v = b(x)
    return v % 1000

def run():
    out = []
    for i in range(300):
        out.append(a(i))
    return sum(out), out[:5], out[-5:]

print(run())
