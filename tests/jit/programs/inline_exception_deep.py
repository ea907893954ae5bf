# Inlining: an exception raised two frames deep, caught in the loop.
def check(x):
    if x % 97 == 96:
        raise ValueError("bad %d" % x)
    return x

def process(x):
    return check(x) * 2

def run():
    t = 0
    errs = []
    for i in range(600):
        try:
            t += process(i)
        except ValueError as e:
            errs.append(str(e))
    return t, errs

print(run())
