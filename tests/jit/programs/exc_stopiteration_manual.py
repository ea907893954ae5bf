# Manual next() loops ending on StopIteration; next with a default.
it = iter(range(5))
out = []
while True:
    try:
        v = next(it)
    except StopIteration:
        break
    out.append(v * v)
print(out)
it = iter("ab")
print([next(it, "-") for _ in range(4)])
