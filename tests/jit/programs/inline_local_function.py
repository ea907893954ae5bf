# Inlining: the called function comes from a local variable, rebound mid-loop.
def a(x):
    return x + 1

def b(x):
    return x + 2

def run():
    f = a
    t = 0
    for i in range(400):
        if i % 100 == 99:
            f = b if f is a else a
        t += f(i)
    return t

print(run())
