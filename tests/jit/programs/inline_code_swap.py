# Inlining: func.__code__ swapped mid-loop.
def f(x):
    return x + 1

def g(x):
    return x * 100

def run():
    t = []
    for i in range(400):
        if i == 200:
            f.__code__ = g.__code__
        t.append(f(i))
    return sum(t), t[195:205]

print(run())
