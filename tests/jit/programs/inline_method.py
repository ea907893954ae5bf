# Inlining: bound methods through LOAD_METHOD, reading and writing attributes.
class Acc:
    def __init__(self):
        self.total = 0
        self.count = 0

    def add(self, v):
        self.total += v
        self.count += 1
        return self.total

    def mean(self):
        return self.total / self.count

acc = Acc()
for i in range(1000):
    acc.add(i % 7)
print(acc.total, acc.count, acc.mean())
