"""regression.py's batch comprehension alone: 32 random.gauss draws a step, summed (the
Python half of its step; tier 0 runs random.gauss in CPython's own evaluator)."""
import random
import sys

steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 1000
rng = random.Random(0)


def get():
    return [rng.gauss(0, 1) for _ in range(32)]


def train(n):
    s = 0.0
    for _ in range(n):
        s += get()[0]
    return s


print(train(steps))
