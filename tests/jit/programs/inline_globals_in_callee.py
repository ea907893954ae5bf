# Inlining: a callee reads a module global that is rebound mid-loop.
K = 1

def scaled(x):
    return x * K

def run():
    global K
    t = 0
    for i in range(400):
        if i == 200:
            K = 10
        t += scaled(i)
    return t

print(run())
