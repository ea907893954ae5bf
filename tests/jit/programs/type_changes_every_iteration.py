# The type of a value changes every iteration at the same sites.

def main():
    vals = [1, 2.5, "s", [1], (2,), True, None, 2**100, -0.0, {"a": 1}]
    out = []
    for i in range(30):
        v = vals[i % len(vals)]
        try:
            out.append(repr(v * 2))
        except TypeError as e:
            out.append("TypeError")
        try:
            out.append(repr(v + v))
        except TypeError:
            out.append("TypeError+")
    print(out)
    x = 0
    for i in range(12):
        x = [x] if i % 3 == 0 else (x, ) if i % 3 == 1 else str(x)[:20]
    print(x)


main()
