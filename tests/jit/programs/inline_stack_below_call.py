# Inlining: values on the caller's stack below the call survive exits inside the callee.
def g(x):
    if x > 250:
        return x * 1.5
    return x

def run():
    out = []
    for i in range(400):
        out.append((i, [i, g(i), i + 1], g(i) + i))
    return out[0], out[251], out[-1]

print(run())
