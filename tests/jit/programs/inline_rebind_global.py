# Inlining: the called global function is rebound mid-loop.
def f(x):
    return x + 1

def other(x):
    return x - 1

def run():
    global f
    t = 0
    for i in range(500):
        if i == 250:
            f = other
        t += f(i)
    return t

print(run())
