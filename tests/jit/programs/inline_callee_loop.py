# Inlining: a callee holding a loop stays one call (its own loop gets its own trace).
def sumto(n):
    s = 0
    for k in range(n):
        s += k
    return s

def wrap(n):
    return sumto(n) + 1

def run():
    t = 0
    for i in range(300):
        t += wrap(i % 20)
    return t

print(run())
