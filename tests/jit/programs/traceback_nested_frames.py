# Tracebacks through three levels called from a loop; frame.f_lineno via sys._getframe.
import sys
import traceback
def where():
    f = sys._getframe(1)
    return f.f_code.co_name, f.f_lineno

def c(i):
    return {"k": i}["j" if i == 4 else "k"]

def b(i):
    return c(i) + 1

def a(n):
    out = []
    for i in range(n):
        out.append(b(i))
        out.append(where())
    return out

print(a(3))
try:
    a(10)
except KeyError:
    print(traceback.format_exc())
