# True division by zero raising inside a loop at a given iteration, caught outside.
import traceback
def ratios(xs):
    out = []
    for i, x in enumerate(xs):
        out.append(10.0 / (x - 3))
    return out

try:
    ratios([1, 2, 4, 3, 5])
except ZeroDivisionError:
    print(traceback.format_exc())

def safe(xs):
    out = []
    for x in xs:
        try:
            out.append(x / (x % 3))
        except ZeroDivisionError as e:
            out.append(str(e))
    return out
print(safe(list(range(8))))
for d in (2, 1, 0.0):
    try:
        print(7 // d, 7 % d)
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
