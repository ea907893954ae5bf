# Sets of ints built and combined in loops (ints hash deterministically).

def main():
    seen = set()
    dups = []
    for i in range(200):
        v = (i * 37) % 101
        if v in seen:
            dups.append(v)
        seen.add(v)
    print(len(seen), dups[:10])
    a = set(range(0, 30, 2))
    b = set(range(0, 30, 3))
    for i in range(3):
        a |= {100 + i}
        b -= {i * 6}
    print(sorted(a & b), sorted(a ^ b)[:8], sorted(b - a), a > {100}, len(a | b))
    try:
        for x in [1, 2]:
            seen.remove(1000 + x)
    except KeyError as e:
        print("KeyError", e)


main()
