# Tracebacks of exceptions raised at different lines of a multi-line loop body, and a
# multi-line expression: the reported line must be the faulting one.
import traceback
def body(xs, mode):
    total = 0
    for i, x in enumerate(xs):
        a = x + 1
        if mode == 0 and i == 3:
            b = a / 0
        c = [a,
             a * 2,
             xs[x]]
        total += c[
            2]
    return total

for mode, xs in ((0, [0, 1, 2, 0, 1]), (1, [0, 1, 2, 9]), (1, [0, 1, 2])):
    try:
        print(body(xs, mode))
    except Exception:
        print(traceback.format_exc())
