# Inlining: a recursive function called from the loop (recursion is not inlined).
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

t = 0
for i in range(300):
    t += fib(i % 12) + fact(i % 20)
print(t)
