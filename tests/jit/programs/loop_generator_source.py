# A loop consuming a generator that itself loops; generator with return value and send.
def squares(n):
    i = 0
    while i < n:
        yield i * i
        i += 1
    return "done"

s = 0
for v in squares(1000):
    s += v
print(s)
def acc():
    total = 0
    while True:
        x = yield total
        if x is None:
            return total
        total += x

g = acc()
next(g)
for i in range(10):
    g.send(i)
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.value)
def wrap():
    r = yield from squares(4)
    yield r
print(list(wrap()))
