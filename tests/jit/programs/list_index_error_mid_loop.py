# IndexError raised at iteration k of a loop; traceback printed with its line number.
import traceback
def walk(xs, n):
    total = 0
    for i in range(n):
        total += xs[i * 2]
    return total

print(walk(list(range(20)), 10))
try:
    walk(list(range(20)), 12)
except IndexError:
    print(traceback.format_exc())
def pop_all(xs):
    got = []
    while True:
        got.append(xs.pop())
        if len(got) > 100:
            break
    return got
try:
    pop_all([1, 2, 3])
except IndexError as e:
    print("IndexError:", e)
