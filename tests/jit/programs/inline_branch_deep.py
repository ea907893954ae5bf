# Inlining: branches inside callees that flip direction later.
def sign(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    return 1

def classify(x):
    s = sign(x - 250)
    if s > 0:
        return "hi"
    return "lo"

def run():
    counts = {}
    for i in range(500):
        k = classify(i)
        counts[k] = counts.get(k, 0) + 1
    return sorted(counts.items())

print(run())
