# A list grown and shrunk while a for loop iterates over it (iterator sees the changes).

def main():
    xs = [1, 2, 3]
    seen = []
    for x in xs:
        seen.append(x)
        if x < 6:
            xs.append(x + 3)
    print(seen, xs)
    ys = list(range(10))
    for y in ys:
        if y % 2 == 0:
            ys.remove(y)
    print(ys)
    zs = [5, 4, 3]
    n = 0
    for z in zs:
        n += 1
        zs.clear() if n == 2 else None
    print(n, zs)


main()
