# Nested unpacking targets in for loops and assignments.

def main():
    data = [((1, 2), [3, 4]), ((5, 6), [7, 8])]
    for (a, b), (c, d) in data:
        print(a + d, b * c)
    (x, (y, z)), w = (1, (2, 3)), 4
    print(x, y, z, w)
    for i, (k, v) in enumerate(sorted({"b": 2, "a": 1}.items())):
        print(i, k, v)


main()
