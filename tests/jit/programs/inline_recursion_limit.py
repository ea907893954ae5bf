# Inlining: RecursionError raised while the loop calls deeper and deeper.
import sys

def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1

def run():
    sys.setrecursionlimit(200)
    got = []
    for i in range(0, 400, 7):
        try:
            got.append(down(i))
        except RecursionError as e:
            got.append("RecursionError")
    return got

print(run())
