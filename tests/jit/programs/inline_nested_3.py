# Inlining: three frames deep, floats and ints.
def c(x):
    return x * 0.5

def b(x):
    return c(x) + c(x + 1)

def a(x):
    return b(x) - b(x - 1)

def run():
    s = 0.0
    for i in range(700):
        s += a(i)
    return s

print(run())
