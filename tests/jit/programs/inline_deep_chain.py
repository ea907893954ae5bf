# Inlining: a chain deeper than JANUS_JIT_MAX_INLINE (the rest stays generic calls).
def f0(x): return x + 1
def f1(x): return f0(x) + 1
def f2(x): return f1(x) + 1
def f3(x): return f2(x) + 1
def f4(x): return f3(x) + 1
def f5(x): return f4(x) + 1
def f6(x): return f5(x) + 1
def f7(x): return f6(x) + 1
def f8(x): return f7(x) + 1

t = 0
for i in range(400):
    t += f8(i)
print(t)
