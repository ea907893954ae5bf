# `in` / `not in` on lists, dicts, strings, ranges, sets in a loop.

def main():
    L = [1, 3, 5, 7]
    D = {2: "a", 4: "b"}
    S = "hello"
    R = range(0, 100, 3)
    F = frozenset({1, 2, 3})
    out = []
    for i in range(10):
        out.append((i in L, i in D, str(i) in S, i in R, i not in F))
    print(out)
    print(sum(1 for i in range(1000) if i in R), "ll" in S, "" in S)
    try:
        for x in [1, [2]]:
            print(x in {1: 0})
    except TypeError as e:
        print("TypeError:", e)


main()
