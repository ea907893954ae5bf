# The same function object called at one site while its __code__, __defaults__ and
# __kwdefaults__ are replaced mid-loop; an instance attribute shadows a method mid-loop.
def f(x, y=1):
    return x + y

def g(x, y=1):
    return x * y

def run(n):
    out = []
    for i in range(n):
        out.append(f(i))
        if i == 2:
            f.__defaults__ = (10,)
        if i == 4:
            f.__code__ = g.__code__
        if i == 6:
            f.__defaults__ = (-1,)
    return out

print(run(9))
def h(x, *, k=2):
    return x ** k
def run2(n):
    out = []
    for i in range(n):
        out.append(h(i))
        if i == 2:
            h.__kwdefaults__ = {"k": 3}
    return out
print(run2(5))
class C:
    def m(self):
        return "method"
def run3(n):
    c = C()
    out = []
    for i in range(n):
        out.append(c.m())
        if i == 2:
            c.m = lambda: "instance"
        if i == 4:
            del c.m
    return out
print(run3(6))
