# A 10^5-element list built, filtered and summed with loops.
def build(n):
    xs = []
    for i in range(n):
        xs.append((i * 7919) % 1000)
    return xs

xs = build(100000)
evens = 0
hist = [0] * 10
for x in xs:
    if x % 2 == 0:
        evens += 1
    hist[x // 100] += 1
print(evens, hist, sum(xs), max(xs), min(xs))
