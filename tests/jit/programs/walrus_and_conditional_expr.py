# Assignment expressions and conditional expressions in loop conditions.
data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
i = 0
out = []
while (v := data[i]) != 9:
    out.append(v if v % 2 else -v)
    i += 1
print(out, i)
big = [y for x in data if (y := x * x) > 10]
print(big, y)
it = iter(data)
total = 0
while (chunk := [next(it, None) for _ in range(3)]) and chunk[0] is not None:
    total += sum(c for c in chunk if c is not None)
print(total)
