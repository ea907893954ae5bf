"""Generators: a lazy pipeline of numbers through generator stages (primes by trial
division, a sliding window, `yield from` chaining)."""
from _step import main


def naturals(start):
    n = start
    while True:
        yield n
        n += 1


def primes(numbers):
    found = []
    for n in numbers:
        if all(n % p for p in found if p * p <= n):
            found.append(n)
            yield n


def windows(items, k):
    window = []
    for x in items:
        window.append(x)
        if len(window) == k:
            yield tuple(window)
            window.pop(0)


def take(items, n):
    for i, x in enumerate(items):
        if i == n:
            return
        yield x


def chained(n):
    yield from take(primes(naturals(2)), n)
    yield from (x * x for x in range(n))


def step(n):
    total = 0
    gaps = 0
    for w in windows(chained(n), 3):
        total += w[0] + w[2] - w[1]
        gaps = max(gaps, w[2] - w[1])
    return total, gaps


if __name__ == "__main__":
    main(__doc__, step, default_size=2000, quick_size=700)
