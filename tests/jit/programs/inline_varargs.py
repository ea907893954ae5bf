# Inlining: *args / **kwargs callees and forwarding stay generic.
def va(*args):
    return sum(args)

def kw(**kw):
    return len(kw)

def fwd(*a, **k):
    return va(*a) + kw(**k)

def run():
    t = 0
    for i in range(300):
        t += va(i, 1, 2) + kw(a=i) + fwd(i, 2, x=1)
    return t

print(run())
