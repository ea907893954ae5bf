# A class attribute changed mid-loop: instance loads must see the new value.
class C:
    scale = 2

def run(objs, n):
    total = 0
    for i in range(n):
        if i == n // 2:
            C.scale = 10
        total += objs[i % len(objs)].scale
    return total

print(run([C(), C()], 20))
c = C()
for i in range(6):
    if i == 3:
        c.scale = -1        # instance attribute shadows the class one
    if i == 5:
        del c.scale
    print(i, c.scale)
