# int and float subclasses reaching an arithmetic site that has only seen exact ints:
# their overridden operators must run.
class Weird(int):
    def __add__(self, other):
        return Weird(int(self) * 10 + int(other))
    def __lt__(self, other):
        return int(self) > int(other)
class F(float):
    def __mul__(self, other):
        return F(float(self) + float(other))

def run(vals):
    out = []
    for v in vals:
        out.append((v + 1, v < 5, type(v + 1).__name__))
    return out

print(run([1, 2, 3, Weird(4), 5, Weird(6), True]))
acc = 1.0
for v in [2.0, F(3.0), 4.0]:
    acc = v * acc
    print(repr(acc), type(acc).__name__)
class Idx:
    def __init__(self, n):
        self.n = n
    def __index__(self):
        return self.n
print(list(range(Idx(3))), [1, 2, 3, 4][Idx(1)], sum(range(Idx(2), Idx(9), Idx(3))))
