# Exception chaining (raise from, implicit context) inside a loop; printed tracebacks.
import traceback
class AppError(Exception):
    pass

def convert(xs):
    out = []
    for x in xs:
        try:
            out.append(int(x))
        except ValueError as e:
            raise AppError("bad item %r" % (x,)) from e
    return out

try:
    convert(["1", "2", "three"])
except AppError:
    print(traceback.format_exc())
def implicit():
    for i in range(3):
        try:
            {}[i]
        except KeyError:
            if i == 2:
                [][i]
try:
    implicit()
except IndexError:
    print(traceback.format_exc())
