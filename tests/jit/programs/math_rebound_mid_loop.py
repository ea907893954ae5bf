# Math functions whose binding changes mid-loop: the module attribute replaced and restored,
# a global alias rebound to another math function (another PyMethodDef), a local holding
# different builtins in turn, and the whole module name rebound.
import math
from math import sqrt as root

saved_sqrt = math.sqrt


def module_attr(n):
    out = []
    for i in range(n):
        out.append(math.sqrt(i + 0.5))
        if i == 5:
            math.sqrt = lambda v: -v
        if i == 9:
            math.sqrt = saved_sqrt
    return out


print(module_attr(14))


def global_alias(n):
    global root
    out = []
    for i in range(n):
        out.append(root(i * 0.25))
        if i == 4:
            root = math.cos
        if i == 8:
            root = abs
        if i == 11:
            root = math.sqrt
    return out


print(global_alias(15))


def local_callable(n):
    fns = [math.sin] * 6 + [math.cos] * 3 + [math.exp, len, math.tan] + [math.sin] * 4
    out = []
    for i in range(n):
        f = fns[i % len(fns)]
        try:
            out.append(f(i * 0.5))
        except TypeError as e:
            out.append(str(e))
    return out


print(local_callable(20))


class FakeMath:
    @staticmethod
    def sqrt(v):
        return "fake %r" % v


def module_rebound(n):
    global math
    out = []
    real = math
    for i in range(n):
        out.append(math.sqrt(i))
        if i == 3:
            math = FakeMath
        if i == 6:
            math = real
    return out


print(module_rebound(10))
