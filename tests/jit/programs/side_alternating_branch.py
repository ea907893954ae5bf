# Side traces: a branch whose direction alternates (every other item takes the path the
# trace did not record), a three-way cycle (the side trace's own guard fails every third
# item), and a branch that flips for good halfway through.
def mixed(items):
    n = 0
    s = ""
    for v in items:
        if type(v) is int:
            n += v
        else:
            s += v
            n += len(v)
    return n, s[-6:]


def cycle(items):
    total = 0.0
    kinds = []
    for v in items:
        if isinstance(v, int):
            total += v * 2
        elif isinstance(v, str):
            total += len(v)
        else:
            total += v / 4
        kinds.append(type(v).__name__[0])
    return total, "".join(kinds[-7:])


def flip(n):
    acc = []
    for i in range(n):
        if i < n // 2:
            acc.append(i * 3)
        else:
            acc.append(-i)
    return sum(acc), acc[-3:]


print(mixed([1, "ab"] * 300))
print(cycle([3, "xyz", 2.5] * 200))
print(flip(500))
