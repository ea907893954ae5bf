# An exception escapes the program: exit status 1 and CPython's traceback on stderr.
def f(xs):
    total = 0
    for i, x in enumerate(xs):
        total += 100 // x
        print(i, total)
    return total

f([5, 4, 3, 0, 2])
