# The list a loop iterates over (or indexes) is changed by a function called in the body.
def shrink(xs):
    if xs:
        xs.pop()

def walk(xs):
    seen = []
    for x in xs:
        seen.append(x)
        shrink(xs)
    return seen, xs

print(walk(list(range(10))))
def idx(xs):
    out = []
    i = 0
    try:
        while True:
            out.append(xs[i])
            if i == 3:
                xs.clear()
            i += 1
    except IndexError as e:
        out.append(str(e))
    return out
print(idx([5, 6, 7, 8, 9]))
def unpack(rows):
    got = []
    for r in rows:
        try:
            a, b = r
            got.append(a - b)
        except (ValueError, TypeError) as e:
            got.append("%s: %s" % (type(e).__name__, e))
    return got
print(unpack([(1, 2), [3, 4], (5, 6, 7), "xy", (8,), range(2)]))
