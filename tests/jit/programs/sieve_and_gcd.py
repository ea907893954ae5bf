# Classic integer kernels: sieve of Eratosthenes, gcd by Euclid, modular exponentiation.
def sieve(n):
    is_p = [True] * (n + 1)
    is_p[0] = is_p[1] = False
    i = 2
    while i * i <= n:
        if is_p[i]:
            for j in range(i * i, n + 1, i):
                is_p[j] = False
        i += 1
    return [i for i, p in enumerate(is_p) if p]

def gcd(a, b):
    while b:
        a, b = b, a % b
    return a

def powmod(b, e, m):
    r = 1
    while e:
        if e & 1:
            r = r * b % m
        b = b * b % m
        e >>= 1
    return r

ps = sieve(20000)
print(len(ps), ps[-3:])
print(sum(gcd(a, b) for a in range(1, 60) for b in range(1, 60)))
print([powmod(3, e, 1000000007) for e in (0, 1, 100, 2**70)])
