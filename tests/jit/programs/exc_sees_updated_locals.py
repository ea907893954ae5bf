# Locals updated earlier in the same iteration must be visible to the handler (and to the
# code after the loop) when an exception leaves the loop: no stale deferred stores.
def f(k):
    a = 0
    b = 0
    s = 0.0
    try:
        for i in range(100):
            a = i * 2
            b += a
            s += 0.5
            if i == k:
                raise ValueError(i)
            a = -1
    except ValueError as e:
        return ("caught", a, b, s, i, e.args)
    return ("done", a, b, s, i)

for k in (0, 1, 37, 1000):
    print(f(k))

def g(xs):
    total = 0
    last = None
    try:
        for x in xs:
            last = x
            total += 10 // x
    except ZeroDivisionError:
        pass
    return total, last
print(g([5, 2, 1, 0, 7]), g([3, 3]))
