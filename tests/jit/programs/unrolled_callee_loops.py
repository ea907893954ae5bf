# Loops inside functions a hot loop calls (comprehensions, helpers looping over small
# lists, generators, enumerate/zip/dict items, break/continue, while loops): tier 1
# unrolls them into the caller's trace; trip counts that change, exceptions mid-loop and
# loops longer than the unroll budget must all give CPython's results.
import traceback


def feats(x, degree):
    return [x ** i for i in range(1, degree + 1)]


def total(items):
    s = 0
    for v in items:
        if v is None:
            continue
        if v < 0:
            break
        s += v
    return s


def pairs(a, b):
    out = {}
    for i, (x, y) in enumerate(zip(a, b)):
        out[x] = y * i
    return sorted(out.items())


def countdown(n):
    k = 0
    while n > 0:
        n -= 1
        k += n
    return k


def gen_sum(xs):
    return sum(x * 2 for x in xs)


def drain(it):
    got = []
    for v in it:
        got.append(v)
    return got


def make_adders(n):
    return [lambda y, k=k: y + k for k in range(n)]


def closures(n):
    return [(lambda: j * 10)() for j in range(n)]


def main():
    acc = []
    for step in range(400):
        degree = 4 if step < 250 else 3 + step % 3       # the trip count changes later
        acc.append(sum(feats(step % 7 + 0.5, degree)))
        items = [1, 2, None, 3] if step % 50 else [1, -1, 5]
        acc.append(total(items))
        acc.append(pairs(["a", "b", "c"], [step, step + 1, step + 2])[-1])
        acc.append(countdown(step % 5))
        acc.append(gen_sum([step, 1, 2]))
        acc.append(drain(x for x in range(step % 4)))
        acc.append(sum(f(step) for f in make_adders(3)))
        acc.append(closures(3))
        acc.append(total(list(range(step % 20))))           # sometimes more than the budget
        try:
            acc.append(sum(feats(0, 2 if step % 97 else -1)))   # 0 ** -1 raises mid-loop
        except ZeroDivisionError:
            acc.append(traceback.format_exc().splitlines()[-1])
    return acc


acc = main()
print(len(acc))
print(acc[-40:])
print(sum(x for x in acc if isinstance(x, (int, float))))


def collatz(n):
    steps = 0
    while n != 1:  # a while loop (its test jumps backward) longer than the unroll budget
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def while_loops(m):
    t = 0
    for i in range(m):
        t += countdown(i % 5) + collatz(i % 30 + 1)
    return t


print(while_loops(300))
