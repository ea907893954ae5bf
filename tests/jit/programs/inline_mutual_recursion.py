# Inlining: mutual recursion through two functions.
def even(n):
    return True if n == 0 else odd(n - 1)

def odd(n):
    return False if n == 0 else even(n - 1)

def run():
    c = 0
    for i in range(400):
        if even(i % 30):
            c += 1
    return c

print(run())
