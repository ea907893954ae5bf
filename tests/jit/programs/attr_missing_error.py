# AttributeError at iteration k with a traceback.
import traceback
class P:
    pass

def fill(objs):
    total = 0
    for o in objs:
        total += o.weight
    return total

objs = [P() for _ in range(5)]
for i, o in enumerate(objs):
    if i != 3:
        o.weight = i
try:
    fill(objs)
except AttributeError:
    print(traceback.format_exc())
print(fill(objs[:3]))
