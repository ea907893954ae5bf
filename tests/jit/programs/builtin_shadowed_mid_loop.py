# A builtin (len, abs) shadowed by a global mid-loop, then the shadow removed.
def run(xs):
    out = []
    for i in range(6):
        out.append(len(xs) + abs(-i))
        if i == 1:
            globals()["len"] = lambda v: 1000
        if i == 3:
            globals()["abs"] = lambda v: -7
        if i == 4:
            del globals()["len"]
    return out

print(run([1, 2, 3]))
del abs
print(abs(-2), len("ab"))
