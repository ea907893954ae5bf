# A user-defined iterator class driving a loop; raising inside __next__ at step k.
class Count:
    def __init__(self, n, fail_at=None):
        self.i = 0
        self.n = n
        self.fail_at = fail_at
    def __iter__(self):
        return self
    def __next__(self):
        if self.i == self.fail_at:
            raise ValueError("fail at %d" % self.i)
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i


def main():
    s = 0
    for v in Count(100):
        s += v
    print(s)
    try:
        for v in Count(10, fail_at=4):
            print(v)
    except ValueError as e:
        print("ValueError:", e)


main()
