# `d["k"]` and `"k" in d` with constant str keys on plain dicts and OrderedDicts in a hot
# loop, while the dicts change under the trace: values replaced (read at run time), a key
# deleted and re-added, new keys inserted, a non-str key making the dict general, the dict
# replaced by another, OrderedDict reordering and popitem, a missing key's KeyError.
from collections import OrderedDict


def run(d, n):
    out = []
    for i in range(n):
        if i == 5:
            d["a"] = "five"
        if i == 8:
            del d["b"]
        if i == 11:
            d["b"] = 11
        if i == 14:
            d["new"] = 14
        if i == 17:
            d[(1, 2)] = "tuple key"
        if i == 20:
            d = dict(d)
        if i == 23 and isinstance(d, OrderedDict):
            d.move_to_end("a")
        try:
            got = (d["a"], "b" in d, "zz" not in d, d["b"] if "b" in d else None, len(d))
        except KeyError as e:
            got = ("KeyError", str(e))
        out.append(got)
        if i == 26:
            d.pop("a")
    return out


for make in (dict, OrderedDict):
    for row in run(make(a=1, b=2.5, c="c"), 30):
        print(make.__name__, row)
