# Attribute lookups on classes that define __getattr__ (tier 0's LOAD_ATTR / LOAD_METHOD
# and tier 1's GETATTR skip 3.11's formatted AttributeError on a miss, vm/getattr.h):
# every result, exception and side effect must stay CPython's.


class Store:
    kind = "class attribute"

    def __init__(self):
        self.x = 1
        self._extra = {"weight": 10, "bias": 20}
        self.misses = []

    def method(self):
        return "method"

    def __getattr__(self, name):
        self.__dict__.setdefault("misses", []).append(name)
        extra = self.__dict__.get("_extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(f"no {name} here")


s = Store()
print(s.x, s.kind, s.method(), s.weight, s.bias)  # expect: 1 class attribute method 10 20
print(s.misses)  # expect: ['weight', 'bias']
try:
    s.missing
except AttributeError as e:
    print(e, e.name, e.obj is s)  # expect: no missing here missing True
try:
    s.gone()
except AttributeError as e:
    print(e, e.name)  # expect: no gone here gone
print(getattr(s, "nothing", "default"), hasattr(s, "weight"))  # expect: default True


# A property that raises AttributeError falls back to __getattr__; other errors do not.
class Props:
    @property
    def broken(self):
        raise AttributeError("from the property")

    @property
    def failing(self):
        raise ValueError("not an attribute error")

    def __getattr__(self, name):
        return "fallback for " + name


p = Props()
print(p.broken, p.other)  # expect: fallback for broken fallback for other
try:
    p.failing
except ValueError as e:
    print("ValueError", e)  # expect: ValueError not an attribute error


# __getattribute__ overrides run first; __getattr__ still catches their AttributeError.
class Overrides:
    def __init__(self):
        self.real = "real"

    def __getattribute__(self, name):
        if name == "hidden":
            raise AttributeError(name)
        return object.__getattribute__(self, name).upper()

    def __getattr__(self, name):
        return "getattr " + name


o = Overrides()
print(o.real, o.hidden, o.absent)  # expect: REAL getattr hidden getattr absent


# Subclasses inherit the fallback; one adds __getattribute__, one shadows __getattr__.
class Sub(Store):
    pass


class SubGetattribute(Store):
    def __getattribute__(self, name):
        if name == "weight":
            return "overridden weight"
        return super().__getattribute__(name)


class SubGetattr(Store):
    def __getattr__(self, name):
        if name == "bias":
            return "sub bias"
        return super().__getattr__(name)


print(Sub().weight, SubGetattribute().weight, SubGetattribute().bias)  # expect: 10 overridden weight 20
print(SubGetattr().bias, SubGetattr().weight)  # expect: sub bias 10


# Slots: an unset slot raises AttributeError, so __getattr__ answers.
class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = "a set"

    def __getattr__(self, name):
        return "slot fallback " + name


sl = Slotted()
print(sl.a, sl.b)  # expect: a set slot fallback b
del sl.a
print(sl.a)  # expect: slot fallback a


# __getattr__ as a callable object with no __get__: called with the name only.
class Finder:
    def __call__(self, name):
        return "found " + name


class CallableHook:
    __getattr__ = Finder()


print(CallableHook().anything)  # expect: found anything


# __getattr__ as a staticmethod and as a classmethod: bound by their own descriptors.
class StaticHook:
    __getattr__ = staticmethod(lambda name: "static " + name)


class ClassHook:
    @classmethod
    def __getattr__(cls, name):
        return cls.__name__ + " " + name


print(StaticHook().s, ClassHook().c)  # expect: static s ClassHook c


# __getattr__ added and removed after the class exists.
class Late:
    pass


def late_getattr(self, name):
    return "late " + name


Late.__getattr__ = late_getattr
print(Late().q)  # expect: late q
del Late.__getattr__
try:
    Late().q
except AttributeError as e:
    print(e)  # expect: 'Late' object has no attribute 'q'


# A metaclass with __getattr__: class attribute misses go to it.
class Meta(type):
    def __getattr__(cls, name):
        return "meta " + name


class WithMeta(metaclass=Meta):
    present = "present"


print(WithMeta.present, WithMeta.missing)  # expect: present meta missing


# An instance dict with a non-str key whose __eq__ raises AttributeError when its hash
# collides with the name looked up: the dict lookup's error goes to __getattr__.
class Collides:
    def __hash__(self):
        return hash("target")

    def __eq__(self, other):
        raise AttributeError("from __eq__")


class Guarded:
    target = "class value"

    def __getattr__(self, name):
        return "getattr " + name


g = Guarded()
g.__dict__[Collides()] = 1
print(g.target)  # expect: getattr target


# Errors other than AttributeError raised by __getattr__ propagate unchanged.
class Raises:
    def __getattr__(self, name):
        raise KeyError(name)


try:
    Raises().k
except KeyError as e:
    print("KeyError", e)  # expect: KeyError 'k'


# A hot loop (tier 1 records it when on): the same lookups, many times.
class Module:
    def __init__(self):
        self.__dict__["_parameters"] = {"weight": 2.0, "bias": 0.5}
        self.scale = 3.0

    def __getattr__(self, name):
        params = self.__dict__["_parameters"]
        if name in params:
            return params[name]
        raise AttributeError(name)

    def forward(self, x):
        return self.weight * x + self.bias + self.scale


m = Module()
total = 0.0
misses = 0
for i in range(3000):
    total += m.forward(i)
    try:
        m.nope
    except AttributeError as e:
        misses += e.name == "nope" and e.obj is m
print(total, misses)  # expect: 9007500.0 3000
