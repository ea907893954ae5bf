# Inlining: __defaults__ reassigned mid-loop (func_version changes: the guard exits).
def f(a, b=1):
    return a * b

def run():
    t = 0
    for i in range(600):
        if i == 300:
            f.__defaults__ = (7,)
        t += f(i)
    return t

print(run())
