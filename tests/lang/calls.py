# Calls: positional, keyword, defaults, *args/**kwargs, keyword-only, bound methods,
# builtins, CALL_FUNCTION_EX, errors for bad calls.
def f(a, b=2, *args, c=3, **kw):
    return (a, b, args, c, sorted(kw.items()))

print(f(1))
# expect: (1, 2, (), 3, [])
print(f(1, 5, 6, 7, c=8, z=9))
# expect: (1, 5, (6, 7), 8, [('z', 9)])
args, kw = (10, 20, 30), {"c": 0, "q": 1}
print(f(*args, **kw))
# expect: (10, 20, (30,), 0, [('q', 1)])
print(f(*[1], **{}), f(0, *(), b=4))
# expect: (1, 2, (), 3, []) (0, 4, (), 3, [])


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm2(self, scale=1):
        return (self.x * self.x + self.y * self.y) * scale

    @staticmethod
    def origin():
        return Point(0, 0)

    @classmethod
    def make(cls, v):
        return cls(v, v)


p = Point(3, 4)
m = p.norm2
print(p.norm2(), m(scale=2), Point.norm2(p, 3), Point.origin().x, Point.make(2).y)
# expect: 25 50 75 0 2
print(max([3, 1, 2], key=lambda v: -v), sorted("cab"), len("abc"), isinstance(p, Point))
# expect: 1 ['a', 'b', 'c'] 3 True
try:
    f()
except TypeError as e:
    print(e)
# expect: f() missing 1 required positional argument: 'a'
try:
    f(1, **{"a": 2})
except TypeError as e:
    print(e)
# expect: f() got multiple values for argument 'a'
try:
    f(1, **[1])
except TypeError as e:
    print(e)
# expect: __main__.f() argument after ** must be a mapping, not list
try:
    f(*1)
except TypeError as e:
    print(e)
# expect: __main__.f() argument after * must be an iterable, not int
try:
    f(1, **{"c": 1}, c=2)
except TypeError as e:
    print(e)
# expect: __main__.f() got multiple values for keyword argument 'c'
print((lambda *a, **k: (a, k))(1, 2, x=3))
# expect: ((1, 2), {'x': 3})
