# Class bodies: LOAD_BUILD_CLASS, LOAD_NAME/STORE_NAME in class namespaces, __class__ cell
# and zero-argument super(), metaclasses, __prepare__, annotations, properties, slots.
class Meta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        print("prepare", name)
        return {"injected": 1}

    def __new__(mcls, name, bases, ns):
        ns["tag"] = name.lower()
        return super().__new__(mcls, name, bases, ns)


class Base(metaclass=Meta):
    x: int = 5
    y: "str"

    def hello(self):
        return "base hello"


class Child(Base):
    def hello(self):
        return "child+" + super().hello()

    @property
    def double(self):
        return self.x * 2

    @double.setter
    def double(self, v):
        self.x = v // 2


# expect: prepare Base
# expect: prepare Child
c = Child()
print(c.hello(), c.double, Child.tag, Base.injected, Base.__annotations__)
# expect: child+base hello 10 child 1 {'x': <class 'int'>, 'y': 'str'}
c.double = 42
print(c.x, vars(c))
# expect: 21 {'x': 21}


class Slotted:
    __slots__ = ("a",)


s = Slotted()
s.a = 1
try:
    s.b = 2
except AttributeError as e:
    print(e)
# expect: 'Slotted' object has no attribute 'b'
try:
    del s.a
    print(s.a)
except AttributeError as e:
    print(e)
# expect: 'Slotted' object has no attribute 'a'


class Dunder:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Dunder(self.v + other.v)

    def __iadd__(self, other):
        self.v += other.v * 10
        return self

    def __getitem__(self, k):
        return self.v * k

    def __eq__(self, other):
        return self.v == other.v

    def __lt__(self, other):
        return self.v < other.v

    def __repr__(self):
        return "D(%r)" % self.v

    __hash__ = None


a, b = Dunder(1), Dunder(2)
print(a + b, a[3], a == Dunder(1), a < b, sorted([b, a]))
# expect: D(3) 3 True True [D(1), D(2)]
a += b
print(a)
# expect: D(21)
try:
    {a}
except TypeError as e:
    print(e)
# expect: unhashable type: 'Dunder'


def class_in_function(v):
    class Local:
        value = v
        doubled = [value * 2 for _ in range(1)]  # comprehension cannot see class scope

    return Local.value


try:
    class_in_function(3)
except NameError as e:
    print(e)
# expect: name 'value' is not defined
print(Child.__mro__[1].__name__, Child.__qualname__, Child.hello.__qualname__)
# expect: Base Child Child.hello
