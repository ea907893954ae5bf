# range with steps, negative steps, empty ranges and huge bounds.

def main():
    out = []
    for r in (range(10), range(3, 20, 4), range(10, 0, -3), range(-5, -15, -2), range(5, 5),
              range(0, 10, -1), range(2**64, 2**64 + 10, 3)):
        s = 0
        n = 0
        for v in r:
            s += v
            n += 1
        out.append((s, n, len(r)))
    print(out)
    try:
        range(1, 2, 0)
    except ValueError as e:
        print("ValueError:", e)


main()
