# Inlining: RecursionError raised while the loop calls deeper and deeper.
import sys

def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1

def run():
    # The differential suite runs many programs in one process: the limit is restored so
    # later programs see the default one.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    got = []
    try:
        for i in range(0, 400, 7):
            try:
                got.append(down(i))
            except RecursionError as e:
                got.append("RecursionError")
    finally:
        sys.setrecursionlimit(old)
    return got

print(run())
