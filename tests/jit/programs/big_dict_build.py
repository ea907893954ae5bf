# A dict with 10^5 updates and string keys made in the loop.
def build(n):
    d = {}
    for i in range(n):
        k = i % 1013
        d[k] = d.get(k, 0) + i
    return d

d = build(100000)
print(len(d), d[0], d[1012], sum(d.values()))
names = {}
for i in range(3000):
    names["k" + str(i % 37)] = i
print(sorted(names.items())[:3], len(names))
