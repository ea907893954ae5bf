# Inlining: a callee reads its caller's locals through frames (f_locals).
import sys

def peek():
    return sorted(k for k in sys._getframe(1).f_locals)

def mid(a, b):
    c = a + b
    return peek(), c

def run():
    r = None
    t = 0
    for i in range(200):
        r, c = mid(i, 1)
        t += c
    return r, t

print(run())
