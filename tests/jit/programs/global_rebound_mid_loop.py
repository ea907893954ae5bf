# A global rebound mid-loop (by the loop itself and by a called function).
FACTOR = 3

def bump():
    global FACTOR
    FACTOR = FACTOR + 1

def run(n):
    total = 0
    for i in range(n):
        total += FACTOR * i
        if i % 4 == 3:
            bump()
    return total

print(run(16), FACTOR)
out = []
for i in range(6):
    out.append(FACTOR)
    if i == 2:
        FACTOR = "s"
print(out)
