# Float % and // follow the sign of the divisor (not C's fmod); results at the edges.

def main():
    vals = [-7.5, -1.0, -0.0, 0.0, 1.0, 7.5, 1e300, -1e-300]
    divs = [3.0, -3.0, 0.5, -0.25, float("inf"), float("-inf")]
    for v in vals:
        row = []
        for d in divs:
            row.append((repr(v % d), repr(v // d)))
        print(row)
    s = 0.0
    for i in range(-50, 50):
        s += (i * 0.37) % 1.3 - (i * 0.37) // -1.3
    print(repr(s))


main()
