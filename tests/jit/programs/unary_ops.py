# Unary -, +, ~ and not on ints, floats, bools and big ints in a loop.

def main():
    vals = [0, 1, -7, 2**63, -2**63, 2.5, -0.0, True, False]
    for v in vals:
        r = [-v, +v, not v]
        if not isinstance(v, float):
            r.append(~v)
        print(r)
    x = 5
    for i in range(10):
        x = -x + (~i)
    print(x)
    try:
        ~1.5
    except TypeError as e:
        print("TypeError:", e)


main()
