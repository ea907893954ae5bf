# Inlining: a method replaced on the class mid-loop (the type version changes).
class A:
    def m(self, x):
        return x + 1

def m2(self, x):
    return x * 2

def run():
    a = A()
    t = 0
    for i in range(500):
        if i == 250:
            A.m = m2
        t += a.m(i)
    return t

print(run())
