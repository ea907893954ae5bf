# del of locals inside a loop, then reading them raises UnboundLocalError.
import traceback
def f(n):
    out = []
    for i in range(n):
        x = i * 2
        out.append(x)
        if i == 2:
            del x
            try:
                out.append(x)
            except UnboundLocalError as e:
                out.append(str(e))
    return out

print(f(4))
def g(n):
    y = 1
    for i in range(n):
        if i == 3:
            del y
        y = y + 1
    return y
try:
    g(5)
except UnboundLocalError:
    print(traceback.format_exc())
