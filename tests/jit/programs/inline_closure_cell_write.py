# Inlining: a callee whose parameter is a cell (captured by an inner function), and
# nonlocal writes through a closure.
def counter():
    n = 0
    def bump(by):
        nonlocal n
        n += by
        return n
    return bump

def captured(a):
    def inner():
        return a
    return a + 1

def run():
    bump = counter()
    t = 0
    for i in range(300):
        t += bump(i % 3)
    s = 0
    for i in range(200):
        s += captured(i)
    return t, bump(0), s

print(run())
