# Objects stored into an inlined callee's plain locals are held by the trace until tier 0
# would release them: finalizers run at the same points (the local overwritten, the call
# returning), exits and side traces starting inside the callee keep them alive, and code
# that looks at the frame sees them.
import sys

log = []


class Noisy:
    def __init__(self, tag):
        self.tag = tag

    def __del__(self):
        log.append("del " + self.tag)


class Box:
    def __init__(self, x):
        self.x = x


def peek(*names):
    f = sys._getframe(1).f_locals
    return tuple(getattr(f.get(n), "tag", f.get(n)) for n in names)


def work(objs, box, i):
    a = objs.pop()  # the only reference
    b = box.x  # borrowed from the box
    c = a
    a = None  # a's object lives on in c
    if i % 3 == 2:  # a side exit inside the callee with b, c deferred
        d = c
        c = None
        log.append("branch %d" % i)
        return peek("a", "b", "c", "d")
    e = objs.pop()
    e = b  # e's first object is released here
    log.append("after overwrite %d" % i)
    f = objs.pop()
    return (getattr(c, "tag", c), getattr(e, "tag", e), i)  # c and f released at the return


def run(n):
    box = Box(Noisy("boxed"))
    out = []
    for i in range(n):
        objs = [Noisy("f%d" % i), Noisy("e%d" % i), Noisy("a%d" % i)]
        out.append(work(objs, box, i))
        log.append("returned %d" % i)
        if i == 7:
            box.x = Noisy("boxed2")
    return out


for row in run(12):
    print(row)
for line in log:
    print(line)
