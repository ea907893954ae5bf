# Instance attributes in materialized split dicts (the instance's keys are its class's
# shared keys), read and replaced in a loop while the layout changes under the trace: an
# attribute deleted and re-added, the dict replaced by `obj.__dict__ = {...}`, cleared,
# made combined by a non-str key, a shadowing instance attribute appearing mid-loop (of a
# class attribute and of a method), the class's shared keys growing through another
# instance, a subclass of random.Random (a C base: its instances start with a dict), values
# the GC tracks stored into an untracked dict, and finalizers run by the replaced value.
import gc
import random


class P:
    k = "class k"

    def __init__(self):
        self.a = 1
        self.b = 2.0

    def m(self):
        return "method"


class Noisy:
    def __init__(self, tag, log):
        self.tag = tag
        self.log = log

    def __del__(self):
        self.log.append("del " + self.tag)


def loads_and_stores(n):
    p = P()
    vars(p)  # materialize the dict: a split dict with P's shared keys
    out = []
    for i in range(n):
        try:
            out.append((p.a, p.b, p.k, p.m()))
        except AttributeError as e:
            out.append("AttributeError: " + str(e))
        p.a = i
        if i == 3:
            del p.b
        elif i == 4:
            p.b = "again"
        elif i == 6:
            p.k = "shadowed"  # an instance attribute now hides the class attribute
        elif i == 8:
            p.m = lambda: "instance callable"
        elif i == 10:
            p.__dict__ = {"b": -1, "a": 100, "zz": 0}  # a combined dict, other order
        elif i == 12:
            p.__dict__.clear()
            p.a, p.b = "A", "B"
        elif i == 14:
            p.__dict__[1] = "non-str key"  # the table is no longer str-keyed
    return out


def shared_keys_grow(n):
    p, q = P(), P()
    vars(p)
    vars(q)
    out = []
    for i in range(n):
        out.append((p.k, q.k, p.a))
        if i == 4:
            q.extra = i  # a new name in the shared keys (p does not have it)
        if i == 6:
            p.extra = "p too"
        if i == 8:
            p.k = "p shadows k"
        if i == 10:
            del p.k
    return out, sorted(vars(p)), sorted(vars(q))


class R(random.Random):
    pass


def gauss_like(n):
    r = R(5)
    out = []
    for i in range(n):
        out.append(round(r.gauss(0.0, 1.0), 12))
        if i == 7:
            r.random = lambda: 0.25  # shadows the C method inside gauss
        if i == 11:
            del r.random
        if i == 13:
            r.gauss_next = 0.5
    return out


def gc_tracking(n):
    p = P()
    vars(p)
    p.a = 1
    p.b = 2
    seen = []
    for i in range(n):
        p.a = i
        seen.append(gc.is_tracked(p.__dict__))
        if i == 5:
            p.b = [i]  # a container: the dict must be tracked from now on
    return seen


def finalizers(n):
    log = []
    p = P()
    vars(p)
    p.a = Noisy("first", log)
    for i in range(n):
        log.append("store %d" % i)
        p.a = Noisy(str(i), log)
        if i == 3:
            p.a = p.a  # the same object: nothing released
    del p
    return log


print(loads_and_stores(16))
print(shared_keys_grow(12))
print(gauss_like(16))
print(gc_tracking(9))
print(finalizers(6))
