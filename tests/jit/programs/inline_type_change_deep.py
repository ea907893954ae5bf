# Inlining: a guard fails two frames deep when the argument's type changes.
def inner(x):
    return x * 2 + 1

def outer(x):
    return inner(x) - 1

def run():
    out = []
    for i in range(400):
        v = i if i < 200 else i * 0.5
        if i > 300:
            v = str(i)
        out.append(outer(v) if not isinstance(v, str) else outer(len(v)))
    return out[:3], out[198:203], out[-3:]

print(run())
