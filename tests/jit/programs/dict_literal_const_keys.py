# Dict displays with constant keys (BUILD_CONST_KEY_MAP) in a hot loop, inside the loop and
# in an inlined callee: values of every kind, duplicate keys (the last one wins), int,
# float, tuple and None keys, a value that raises while the display is built.
def make(i, x):
    return {"i": i, "x": x, "sq": i * i, "neg": -x}


def run(n):
    out = []
    for i in range(n):
        x = i * 0.5
        d = {"a": i, "b": x, "c": [i, x], "d": None}
        e = {1: "one", 2.5: i, (1, 2): x, None: "none"}
        f = {"k": 1, "k": i, "j": 2}
        g = make(i, x)
        try:
            h = {"ok": i, "bad": 10 // (i - 7)}
        except ZeroDivisionError as exc:
            h = {"error": str(exc)}
        out.append((sorted(d.items(), key=str), sorted(e.items(), key=str), f, g, h))
    return out


for row in run(12):
    print(row)
