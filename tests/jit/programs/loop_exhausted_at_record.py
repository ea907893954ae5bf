# Loops whose trip count is 1, 2 or 3: with a hotness threshold of 1 the loop ends while,
# or right after, its first trace is recorded and compiled.
def f(n):
    s = 0
    for i in range(n):
        s += i * 3 - 1
    return s
def w(n):
    k = 0
    while k < n:
        k += 1
    return k
print([f(n) for n in (0, 1, 2, 3, 1, 0, 4)])
print([w(n) for n in (1, 2, 3, 0, 2)])
it = iter([10, 20])
acc = []
for v in it:
    acc.append(v)
print(acc, list(it))
