# int and float alternating at an arithmetic site every iteration.
def run(n):
    s = 0
    t = 0
    for i in range(n):
        v = i if i % 2 else i * 0.5
        s = s + v * v
        t = t - v // 3
    return s, t

print(run(11))
print(run(10001))
def sign_flip(n):
    x = 1
    for i in range(n):
        x = -x if i % 3 else x * 1.5
    return x
print(sign_flip(50))
