# `a, *rest, z = seq` in a hot loop: lists and tuples, the starred part empty or long, its
# length changing (a guard), nested, in an inlined callee, and too short a sequence.
def split(seq):
    head, *body, tail = seq
    return head, body, tail


def run(n):
    out = []
    for i in range(n):
        xs = list(range(i % 5 + 2))
        a, *b = xs
        *c, d = tuple(xs)
        e, f, *g, h = xs + [i]
        (p, *q), r = [xs, i]
        out.append((a, b, c, d, e, f, g, h, p, q, r, split(xs)))
        try:
            s, t, *u, v = xs if i % 7 else xs[:1]
        except ValueError as exc:
            out.append(str(exc))
    return out


for row in run(24):
    print(row)
