# Values alternate between small ints and big ints at the same site.
def run(n):
    total = 0
    vals = []
    for i in range(n):
        x = i if i % 3 else 2**80 + i
        total += x
        vals.append(x % 1000)
    return total, vals[-6:]

print(run(30))
print(run(3))

def mul_chain(n):
    r = 1
    for i in range(1, n):
        r *= i
        r //= (i // 2 + 1)
    return r
print(mul_chain(200))
