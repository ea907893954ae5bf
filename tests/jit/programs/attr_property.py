# Properties with getters/setters executed from a loop; a setter that raises.
class Temp:
    def __init__(self):
        self._c = 0.0
    @property
    def c(self):
        return self._c
    @c.setter
    def c(self, v):
        if v < -273.15:
            raise ValueError("below absolute zero: %r" % v)
        self._c = v
    @property
    def f(self):
        return self._c * 9 / 5 + 32


def main():
    t = Temp()
    out = []
    for i in range(-100, -400, -50):
        try:
            t.c = i * 1.0
            out.append(t.f)
        except ValueError as e:
            out.append(str(e))
    print(out)


main()
