# Inlining: an uncaught exception from three frames deep ends the program (traceback on
# stderr, exit status 1).
def c(x):
    return [1, 2, 3][x]

def b(x):
    return c(x) + 1

def a(x):
    return b(x) * 2

t = 0
for i in range(100):
    t += a(i % 3)
print(t)
for i in range(100):
    t += a(i)
print(t)
