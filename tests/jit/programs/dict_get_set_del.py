# Dict get/set/del in a loop, including missing keys via .get and pop with default.
def counts(words):
    d = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
        if d[w] == 3:
            del d[w]
    return d

words = "a b c a b a d e a b c c c f".split()
print(counts(words))
d = {i: i * i for i in range(10)}
for k in range(0, 12, 2):
    print(k, d.pop(k, None), len(d))
print(d)
