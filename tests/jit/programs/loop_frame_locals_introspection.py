# locals() and sys._getframe().f_locals read inside a hot loop must show current values.
import sys
def f(n):
    snaps = []
    acc = 0
    for i in range(n):
        acc += i
        if i % 3 == 2:
            snaps.append(sorted((k, v) for k, v in locals().items() if k != "snaps"))
            snaps.append(sys._getframe().f_locals["acc"])
    return snaps
for s in f(9):
    print(s)
