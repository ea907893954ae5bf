# A stitched side trace's own exits: its guards fail (the values change type after many
# iterations) or its helpers raise deep inside inlined calls, with values on every caller's
# stack that the stitched entry never wrote to the frames: tier 0 must resume (or unwind
# through) exactly the frames and stacks it would have had.
class Alt:
    def __init__(self):
        self.spare = None

    def get(self, x):
        z = self.spare
        self.spare = None
        if z is None:
            self.spare = x
            return x
        return z + z


def inner(a, x):
    return 1 + a.get(x)


def outer(a, x):
    return [x, 2 * inner(a, x)]


def run(items):
    a = Alt()
    out = []
    for x in items:
        out.append((len(out), outer(a, x)))
    return out[-4:]


def raising(items):
    a = Alt()
    total = 0
    for x in items:
        total = total + inner(a, x) * 2
    return total


class Parse:
    def __init__(self, first):
        self.spare = first

    def get(self, s):
        z = self.spare
        self.spare = None
        if z is None:
            self.spare = s
            return len(s)
        return int(z)


def parse_all(items, first):
    p = Parse(first)
    total = 0
    for s in items:
        total = total + 2 * p.get(s)
    return total


def where(e):
    tb = e.__traceback__
    names = []
    while tb is not None:
        names.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    return names


def main():
    # In a function: a module-level loop would store globals and change the version of the
    # dict every trace guards.
    print(run(list(range(100)) + [1.5, 2.5] * 20 + [3, 4] * 20))
    for tail in (["s", "t"], [0, "s", "t"]):
        try:
            print(raising(list(range(60)) + tail))
        except TypeError as e:
            print("TypeError", e, where(e))
    for tail in ([10 ** 30, 1], [0, 10 ** 30, 1], [2 ** 62, 2 ** 62]):
        print(raising(list(range(60)) + tail))
    for head, first in (([], "5"), (["7"], "5"), ([], None), (["7"], None)):
        try:
            print(parse_all(head + [str(i) for i in range(60)] + ["x", "y", "z"], first))
        except ValueError as e:
            print("ValueError", e, where(e))


main()
