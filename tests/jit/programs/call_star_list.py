# f(*a_list) and f(*a_list, **kw) in a hot loop: Python callees (inlined), builtins, the
# list changing length (a guard), mutated by the callee (it got a copy), a bad count, and
# keyword dicts merged with tier 0's errors (a repeated keyword, not a mapping).
def add3(a, b, c=10):
    return a + b * 2 + c


def grab(*args):
    return len(args), args[-1] if args else None


def mutate(lst, *rest):
    lst.append(len(rest))
    return len(lst)


def run(n):
    out = []
    for i in range(n):
        xs = [i, i + 1] if i % 6 else [i, i + 1, i + 2]
        try:
            r = add3(*xs)
        except TypeError as e:
            r = "TypeError"
        ys = [i] * (i % 4)
        box = []
        kw = {"c": i} if i % 5 else ({"a": 1} if i % 2 else 5)
        try:
            k = add3(*xs[:2], **kw)
        except TypeError as e:
            k = str(e)
        out.append((r, grab(*ys), max(*xs), k, mutate(box, *[box, i]), box))
    return out


for row in run(20):
    print(row)
