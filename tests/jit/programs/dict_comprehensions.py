# Dict comprehensions in hot code: duplicate keys (last wins, first key object kept),
# unhashable keys raising mid-comprehension, key/value evaluation order, nested ones.
def squares(n):
    return {i: i * i for i in range(n)}


def buckets(words):
    return {len(w): w for w in words}  # later words of the same length win


order = []


def k(x):
    order.append(("k", x))
    return x


def v(x):
    order.append(("v", x))
    return -x


total = 0
for rep in range(300):
    d = squares(rep % 17)
    total += sum(d.values()) + len(buckets(["a", "bb", "cc", "ddd", "e"][: rep % 6]))
    e = {k(i): v(i) for i in range(rep % 4)}
    total += len(e)
    nested = {i: {j: i * j for j in range(3)} for i in range(rep % 5)}
    total += sum(sum(x.values()) for x in nested.values())
print(total, order[-8:], len(order))
same = {1: "int", 1.0: "float", True: "bool"}
print(same, type(next(iter(same))))
for rep in range(200):
    try:
        bad = {([i] if i == rep % 7 else i): i for i in range(5)}
    except TypeError as e:
        bad = str(e)
print(bad, rep)
