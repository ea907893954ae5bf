# enumerate with start, zip of unequal lengths, zip(strict=True) raising.

def main():
    names = ["a", "b", "c", "d"]
    vals = [10, 20, 30]
    for i, n in enumerate(names, start=-2):
        print(i, n)
    for n, v in zip(names, vals):
        print(n, v)
    pairs = list(zip(range(100), "xyz", [1.5, 2.5, 3.5, 4.5]))
    print(pairs)
    try:
        for a, b in zip(names, vals, strict=True):
            print("strict", a, b)
    except ValueError as e:
        print("ValueError:", e)


main()
