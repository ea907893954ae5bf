# Inlining: a function made anew on every call (a closure over a fresh object): traces
# guard the callee by its function version and hold no reference to it, so the objects its
# cells keep die when tier 0 would free them (__del__ counts, as in test_scope.testLeaks).
import gc
class Foo:
    count = 0
    def __init__(self):
        Foo.count += 1
    def __del__(self):
        Foo.count -= 1
def f1():
    x = Foo()
    def f2():
        return x
    f2()
def t():
    for i in range(100):
        f1()
t()
gc.collect()
print(Foo.count)
