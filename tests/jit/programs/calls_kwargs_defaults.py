# Calls with keyword arguments, defaults, *args/**kwargs in a hot loop.
def f(a, b=2, *args, c=3, **kw):
    return a + b + sum(args) + c + sum(kw.values())


def main():
    total = 0
    for i in range(500):
        total += f(i)
        total += f(i, 1, 2, 3, c=0, z=i)
        total += f(*(i, i), **{"c": 1})
    print(total)
    try:
        for i in range(3):
            f(i, d=1, c=2) if i < 2 else f()
    except TypeError as e:
        print("TypeError:", e)


main()
