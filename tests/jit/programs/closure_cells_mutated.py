# Cell variables read and written in a loop while inner functions called from the loop
# write the same cells (the loop must see every write, at once).
def make():
    count = 0
    scale = 1
    log = []
    def bump(k):
        nonlocal count
        count += k
    def rescale():
        nonlocal scale
        scale *= -2
    def run(n):
        nonlocal count
        for i in range(n):
            count += scale
            if i % 3 == 0:
                bump(100)
            if i == 5:
                rescale()
            log.append(count)
        return count
    return run, log

run, log = make()
print(run(10), log)
print(run(2), log[-2:])
def counter_gen():
    total = 0
    def add(v):
        nonlocal total
        total += v
        return total
    return add
add = counter_gen()
print([add(i) for i in range(10)])
def late_binding():
    fns = []
    for i in range(4):
        fns.append(lambda: i * 10)
    i = 100
    return [f() for f in fns]
print(late_binding())
