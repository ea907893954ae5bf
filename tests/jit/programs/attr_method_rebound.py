# A method replaced on the class mid-loop, and a bound method cached in a local.
class K:
    def f(self, x):
        return x + 1

def run(k, n):
    out = []
    for i in range(n):
        if i == 3:
            K.f = lambda self, x: x * 100
        out.append(k.f(i))
    return out

k = K()
print(run(k, 6))
m = k.f
r = [m(i) for i in range(3)]
k.f = lambda x: -x   # instance attribute shadows the method
print(r, [k.f(i) for i in range(3)])
