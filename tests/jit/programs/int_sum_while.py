# A plain counting while loop with a big trip count and a tiny one.
def tri(n):
    i = 0
    s = 0
    while i < n:
        s += i
        i += 1
    return s

print(tri(100000), tri(1), tri(0))
def collatz_max(limit):
    best = (0, 0)
    for start in range(1, limit):
        n = start
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        if steps > best[1]:
            best = (start, steps)
    return best
print(collatz_max(3000))
