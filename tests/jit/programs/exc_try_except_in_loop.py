# try/except inside a loop body, raising on some iterations.
def parse(items):
    good = 0
    bad = []
    for it in items:
        try:
            v = int(it)
            if v < 0:
                raise ValueError("negative: %d" % v)
            good += v
        except ValueError as e:
            bad.append(str(e))
        except TypeError as e:
            bad.append("type:" + type(it).__name__)
    return good, bad

print(parse(["1", "x", "-3", None, "7", 2.9, [1]]))
def hot(n):
    c = 0
    for i in range(n):
        try:
            c += 10 // (i % 4)
        except ZeroDivisionError:
            c -= 1
    return c
print(hot(10000))
