# Library code in a trace: random.Random.gauss (the standard library, which the default
# frame policy leaves to CPython) inlined into the loop's trace; its spare-value branch
# alternates, so an exit inside it grows a side trace. Same numbers as CPython.
import random


def batch(rng, n):
    return [rng.gauss(0, 1) for _ in range(n)]


def main():
    rng = random.Random(1234)
    total = 0.0
    for _ in range(60):
        xs = batch(rng, 32)
        total += sum(xs)
    print(round(total, 9), [round(x, 12) for x in batch(rng, 5)])
    r2 = random.Random(7)
    print([round(r2.gauss(1.5, 2.0), 12) for _ in range(7)])


main()
