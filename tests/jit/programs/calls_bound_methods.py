# Method calls on builtin types and user classes in a loop, including staticmethod/classmethod.
class Acc:
    total = 0
    def add(self, v):
        self.total += v
        return self
    @staticmethod
    def twice(v):
        return v * 2
    @classmethod
    def make(cls):
        return cls()


def main():
    a = Acc.make()
    for i in range(100):
        a.add(Acc.twice(i)).add(-1)
    print(a.total, Acc.total)
    s = []
    for i in range(10):
        s.append(str(i).zfill(3).upper().replace("0", "o"))
    print(s)


main()
