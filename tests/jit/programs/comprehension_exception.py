# An exception raised inside a comprehension at element k; traceback printed.
import traceback
def inv(xs):
    return [1 / x for x in xs]
print(inv([1, 2, 4]))
try:
    inv([1, 2, 0, 4])
except ZeroDivisionError:
    print(traceback.format_exc())
try:
    {k: v for k, v in [(1, 2), (3,)]}
except ValueError as e:
    print("ValueError:", e)
