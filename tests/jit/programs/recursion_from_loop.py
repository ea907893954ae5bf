# Recursive functions called from a hot loop.
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))

print([fib(i) for i in range(18)])
s = 0
for i in range(4):
    for j in range(4):
        s += ack(i % 3, j)
print(s)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(sum(depth(k) for k in range(0, 300, 7)))
