# Nested lists: a matrix built and multiplied with plain loops.
def matmul(a, b):
    n, m, p = len(a), len(b), len(b[0])
    c = [[0] * p for _ in range(n)]
    for i in range(n):
        for j in range(p):
            s = 0
            for k in range(m):
                s += a[i][k] * b[k][j]
            c[i][j] = s
    return c

a = [[i + j for j in range(5)] for i in range(4)]
b = [[(i * j) % 3 - 1 for j in range(3)] for i in range(5)]
print(matmul(a, b))
fa = [[x * 0.5 for x in row] for row in a]
print(matmul(fa, b))
