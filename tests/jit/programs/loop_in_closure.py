# Loops inside closures reading and writing cell variables (nonlocal).
def make_counter():
    count = 0
    hist = []
    def tick(n):
        nonlocal count
        for i in range(n):
            count += i
            hist.append(count)
        return count
    return tick, hist

tick, hist = make_counter()
print(tick(5), tick(3), hist)
def adders():
    fs = []
    for i in range(4):
        fs.append(lambda x, i=i: x + i)
    late = [lambda x: x + i for i in range(4)]
    return [f(10) for f in fs], [f(10) for f in late]
print(adders())
