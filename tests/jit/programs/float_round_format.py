# round(), int(), formatting floats from inside a loop.

def main():
    out = []
    for i in range(-6, 7):
        x = i * 0.5
        out.append((round(x), int(x), f"{x:.2f}", "%g" % (x / 3)))
    for row in out:
        print(row)
    print(round(2.675, 2), round(-0.5), round(1.5), round(1e20), int(-2.9))
    try:
        for v in [1.0, float("inf")]:
            print(int(v))
    except OverflowError as e:
        print("OverflowError:", e)


main()
