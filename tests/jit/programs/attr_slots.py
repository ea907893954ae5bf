# __slots__ attributes: loads/stores, deleting one mid-loop raises AttributeError.
class V:
    __slots__ = ("a", "b")
    def __init__(self):
        self.a = 0
        self.b = 1


def main():
    v = V()
    for i in range(20):
        v.a += v.b
        v.b = i
    print(v.a, v.b)
    try:
        for i in range(5):
            if i == 3:
                del v.a
            print(i, v.a)
    except AttributeError as e:
        print("AttributeError:", e)
    try:
        v.c = 1
    except AttributeError as e:
        print("AttributeError:", e)


main()
