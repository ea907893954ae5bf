# Inlining: two frames deep.
def sq(x):
    return x * x

def f(x):
    return sq(x) + 1

t = 0
for i in range(500):
    t += f(i)
print(t)
