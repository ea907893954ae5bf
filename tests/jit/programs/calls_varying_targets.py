# The callee at one call site changes every iteration (polymorphic call target).
def inc(x):
    return x + 1

def dbl(x):
    return x * 2

class Neg:
    def __call__(self, x):
        return -x


def main():
    fns = [inc, dbl, Neg(), str, float, inc]
    v = 1
    out = []
    for i in range(18):
        f = fns[i % len(fns)]
        r = f(v if not isinstance(v, str) else len(v))
        v = r if not isinstance(r, str) else len(r)
        out.append(v)
    print(out)


main()
