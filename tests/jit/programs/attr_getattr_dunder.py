# __getattr__ fallback and __setattr__ override called from a loop.
class Rec:
    def __init__(self):
        object.__setattr__(self, "log", [])
    def __getattr__(self, name):
        return len(name)
    def __setattr__(self, name, value):
        self.log.append(name)
        object.__setattr__(self, name, value * 2)


def main():
    r = Rec()
    for i in range(4):
        r.abc = i
        print(r.abc, r.xy, r.missing_attr)
    print(r.log)


main()
