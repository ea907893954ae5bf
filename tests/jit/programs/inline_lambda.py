# Inlining: lambdas and functions stored in containers.
fs = [lambda x: x + 1, lambda x: x * 2, lambda x: x - 3]

def run():
    t = 0
    for i in range(600):
        t += fs[i % 3](i)
    return t

print(run())
