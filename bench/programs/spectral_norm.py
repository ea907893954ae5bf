"""Function calls and float arithmetic: the spectral norm of an infinite matrix by power
iteration, in plain lists."""
from _step import main


def a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def times(u):
    n = len(u)
    return [sum(a(i, j) * u[j] for j in range(n)) for i in range(n)]


def times_transposed(u):
    n = len(u)
    return [sum(a(j, i) * u[j] for j in range(n)) for i in range(n)]


def step(n):
    u = [1.0] * n
    for _ in range(5):
        v = times_transposed(times(u))
        u = times_transposed(times(v))
    vbv = sum(x * y for x, y in zip(u, v))
    vv = sum(x * x for x in v)
    return round((vbv / vv) ** 0.5, 12)


if __name__ == "__main__":
    main(__doc__, step, default_size=125, quick_size=60)
