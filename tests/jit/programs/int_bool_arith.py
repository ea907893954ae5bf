# bools are ints: arithmetic on True/False, sums of comparisons, bool results kept as bool.
def count(n):
    evens = 0
    flags = []
    for i in range(n):
        f = i % 2 == 0
        evens += f
        flags.append(f + f)
        flags.append(f & (i > 3))
    return evens, flags[:12], type(flags[0]).__name__, type(flags[1]).__name__

print(count(20))
t = 0
for b in [True, False, True, True]:
    t = t * 2 + b
    t = t ^ b
print(t, True + True, True * 7, -True, ~False, True // 1, True / 2)
