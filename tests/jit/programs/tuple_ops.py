# Tuples as dict keys, comparison, hashing, concatenation in loops.

def main():
    grid = {}
    for i in range(4):
        for j in range(4):
            grid[(i, j)] = i * 4 + j
    print(grid[(2, 3)], sum(grid[(k, k)] for k in range(4)))
    t = ()
    for i in range(5):
        t = t + (i,) if i % 2 else (i,) + t
    print(t, t[1:3], t.index(3), t.count(1), (1, 2) < (1, 2, 0), max([(1, "b"), (1, "a")]))


main()
