# Float ** overflowing raises OverflowError (it does not give inf), * overflowing gives inf;
# int ** with negative exponents gives floats, 0 ** -1 raises ZeroDivisionError (and an int
# result too long to print raises ValueError, also caught).
def powers(bases, exps):
    out = []
    for b in bases:
        for e in exps:
            try:
                out.append(repr(b ** e))
            except (OverflowError, ZeroDivisionError, ValueError) as err:
                out.append("%s: %s" % (type(err).__name__, err))
    return out

for row in powers([2.0, -2.0, 0.5, 0.0, 10, 0, -3], [2, 3, -1, 0.5, 1024, 10000]):
    print(row)
def grow(n):
    x = 1.5
    for i in range(n):
        x = x * 1e100
    return x
print(grow(2), grow(4), grow(5))
