# Inlining: a helper called from the loop (one frame deep).
def add(a, b):
    return a + b

def run(n):
    t = 0
    for i in range(n):
        t = add(t, i)
    return t

print(run(1000))
