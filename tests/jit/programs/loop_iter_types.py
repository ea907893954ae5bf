# One loop body fed by different iterator types in turn.
def total(it):
    s = 0
    n = 0
    for v in it:
        s += v
        n += 1
    return s, n

def gen(n):
    for i in range(n):
        yield i * 3

d = {1: "a", 5: "b", 9: "c"}
for it in (range(7), [4, 5, 6], (1, 2), d, d.keys(), iter([7, 8]), gen(5), map(abs, [-1, -2]),
           filter(None, [0, 3, 0, 4]), reversed([1, 10, 100]), {2: 0}.values() and [2]):
    print(total(it))
print(total(x for x in range(4)))
