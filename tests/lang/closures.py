# Closures and cells: MAKE_CELL, COPY_FREE_VARS, LOAD/STORE/DELETE_DEREF, nonlocal,
# LOAD_CLASSDEREF, unbound free variables.
def counter():
    n = 0
    def inc(by=1):
        nonlocal n
        n += by
        return n
    return inc

c = counter()
print(c(), c(), c(5))
# expect: 1 2 7


def captured_arg(x):
    def get():
        return x
    x += 1
    return get


print(captured_arg(41)())
# expect: 42


def make_adders():
    return [lambda v, i=i: v + i for i in range(3)], [lambda v: v + i for i in range(3)]


early, late = make_adders()
print([f(10) for f in early], [f(10) for f in late])
# expect: [10, 11, 12] [12, 12, 12]


def class_deref():
    value = "outer"

    class K:
        attr = value

    class Meta(type):
        @classmethod
        def __prepare__(mcls, name, bases):
            return {"value": "from namespace"}

    class L(metaclass=Meta):
        attr = value  # the class namespace wins over the enclosing cell

    return K.attr, L.attr


print(class_deref())
# expect: ('outer', 'from namespace')


def unbound():
    def inner():
        return y
    try:
        inner()
    except NameError as e:
        print(type(e).__name__, e)
    y = 1
    del y
    try:
        print(y)
    except UnboundLocalError as e:
        print(type(e).__name__, e)


unbound()
# expect: NameError cannot access free variable 'y' where it is not associated with a value in enclosing scope
# expect: UnboundLocalError cannot access local variable 'y' where it is not associated with a value


def local_unbound():
    try:
        print(z)
        z = 1
    except UnboundLocalError as e:
        print(e)


local_unbound()
# expect: cannot access local variable 'z' where it is not associated with a value
