# with-blocks inside a loop: __exit__ runs every iteration, suppresses some exceptions.
class Ctx:
    def __init__(self, log, suppress):
        self.log = log
        self.suppress = suppress
    def __enter__(self):
        self.log.append("enter")
        return len(self.log)
    def __exit__(self, t, v, tb):
        self.log.append("exit:" + (t.__name__ if t else "-"))
        return self.suppress

log = []
for i in range(5):
    with Ctx(log, suppress=i % 2 == 1) as n:
        log.append(n)
        if i == 1 or i == 3:
            raise ValueError(i)
print(log)
try:
    for i in range(3):
        with Ctx(log, suppress=False):
            if i == 2:
                raise KeyError("stop")
except KeyError as e:
    print("KeyError", e, log[-2:])
