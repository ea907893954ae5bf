# int/float mixing at one site: the type of an accumulator changes from int to float.
def mix(n):
    acc = 0
    kinds = []
    for i in range(n):
        if i == 4:
            acc = acc + 0.5
        else:
            acc = acc + i
        kinds.append(type(acc).__name__)
    return acc, kinds

print(mix(8))
t = 1
for i in range(1, 12):
    t = t * i / 2 if i % 3 == 0 else t * i
print(t, type(t).__name__)
print(sum([1, 2.5, 3, True]), 10 / 4, 10 // 4.0, -7 // 2.0, -7 % 2.5, 2 ** 0.5, 2 ** -1)
big = 2**70
print(big / 3, big * 1.0, float(big) == big, big + 0.1 == big)
