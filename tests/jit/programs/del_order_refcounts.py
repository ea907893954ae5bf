# Objects with __del__ rebound in a loop: CPython frees each one exactly when its last
# reference goes (at the STORE_FAST that overwrites it), so the order of the prints is
# fixed. A tier that defers stores or releases must keep it.
class Noisy:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print("del", self.n)

def run(n):
    x = None
    for i in range(n):
        print("iter", i)
        x = Noisy(i)
        print("made", i)
    print("loop done")
    return None

run(4)
print("after run")
def temps(n):
    for i in range(n):
        Noisy(100 + i)
        print("after temp", i)
temps(3)
