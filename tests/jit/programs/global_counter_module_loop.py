# Loops at module level (LOAD_NAME/STORE_NAME), not inside a function.
total = 0
i = 0
while i < 2000:
    total += i % 7
    i += 1
print(total, i)
acc = []
for j in range(5):
    for k in range(j):
        acc.append(j * k)
print(acc, j, k)
