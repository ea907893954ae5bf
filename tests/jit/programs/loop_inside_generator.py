# Hot loops inside generators; a generator closed mid-loop runs its finally.
def windows(xs, k):
    buf = []
    for x in xs:
        buf.append(x)
        if len(buf) > k:
            buf.pop(0)
        if len(buf) == k:
            yield sum(buf)

print(list(windows(range(20), 3)))
log = []
def counted(n):
    try:
        for i in range(n):
            yield i
    finally:
        log.append("closed")
g = counted(100)
for v in g:
    if v == 5:
        break
g.close()
print(v, log)
