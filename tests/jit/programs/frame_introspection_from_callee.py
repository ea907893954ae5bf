# A callee reads its caller's locals through sys._getframe(1).f_locals in the middle of a
# hot loop: the values must be the current ones, never stale ones.
import sys
def peek(*names):
    f = sys._getframe(1).f_locals
    return tuple(f.get(n, "<unbound>") for n in names)

def run(n):
    seen = []
    acc = 0
    x = 1.0
    for i in range(n):
        acc += i
        x = x * 1.5
        if i % 4 == 3:
            seen.append(peek("acc", "x", "i", "later"))
        later = i
    return seen

for row in run(13):
    print(row)
