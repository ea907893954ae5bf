# Custom exception classes carrying state, caught by base class, with else clauses.
class Base(Exception):
    pass

class Odd(Base):
    def __init__(self, v):
        super().__init__(v)
        self.v = v

class Big(Base):
    pass


def main():
    log = []
    for i in range(12):
        try:
            if i > 9:
                raise Big(i)
            if i % 2:
                raise Odd(i)
        except Odd as e:
            log.append(("odd", e.v))
        except Base as e:
            log.append(("base", type(e).__name__, e.args))
        else:
            log.append(i)
    print(log)


main()
