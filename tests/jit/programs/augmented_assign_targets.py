# Augmented assignment on locals, subscripts, attributes and slices in a loop.
class O:
    n = 0


def main():
    xs = [1, 2, 3]
    d = {"a": 1}
    o = O()
    s = "x"
    for i in range(10):
        xs[i % 3] += i
        d["a"] *= 2
        o.n -= i
        s += str(i)
        xs[1:2] += [i] if i < 2 else []
    print(xs, d, o.n, s, O.n)
    t = (1,)
    u = t
    t += (2,)
    print(t, u, t is u)
    L = [1]
    M = L
    L += [2]
    print(L is M, M)


main()
