# Inlining: defaults fill missing arguments; keyword calls stay generic calls.
def f(a, b=10, c=100):
    return a + b * 2 + c * 3

def run():
    t = 0
    for i in range(400):
        t += f(i)
        t += f(i, 1)
        t += f(i, 1, 2)
        t += f(i, c=5)
        t += f(a=i, b=2)
    return t

print(run())
