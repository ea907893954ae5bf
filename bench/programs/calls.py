"""Call-bound recursion: naive Fibonacci and Ackermann-style recursion, where the time goes
to Python-to-Python calls and returns (frame set-up, argument passing, small-int math)."""
from _step import main


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def tak(x, y, z):
    if y < x:
        return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
    return z


def step(n):
    k = n - 4
    return fib(n), tak(k, k * 2 // 3, k // 3)


if __name__ == "__main__":
    main(__doc__, step, default_size=22, quick_size=20)
