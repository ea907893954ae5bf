# Inlining: generator functions called from the loop stay generic calls.
def gen(n):
    for i in range(n):
        yield i * 2

def total(n):
    return sum(gen(n))

def run():
    t = 0
    for i in range(300):
        t += total(i % 10)
        for v in gen(2):
            t += v
    return t

print(run())
