# Structural pattern matching: literals, captures, sequences, mappings, classes
# (__match_args__, self-matching builtins), guards, or-patterns, errors.
from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int


class Plain:
    def __init__(self):
        self.a = 1


def describe(subject):
    match subject:
        case 0 | 1:
            return "bit"
        case int(n) if n < 0:
            return "negative %d" % n
        case str() as s:
            return "str " + s
        case [x, y, *rest]:
            return "seq %r %r %r" % (x, y, rest)
        case {"kind": "pt", "at": (px, py), **extra}:
            return "map %r %r %r" % (px, py, extra)
        case Point(x=0, y=yy):
            return "on y axis at %d" % yy
        case Point(xx, yy):
            return "point %d %d" % (xx, yy)
        case Plain(a=av):
            return "plain %d" % av
        case None:
            return "none"
        case _:
            return "other"


for s in (1, -5, "hi", [1, 2, 3, 4], (5, 6), {"kind": "pt", "at": (1, 2), "c": 3},
          Point(0, 7), Point(2, 3), Plain(), None, 3.5, [1]):
    print(describe(s))
# expect: bit
# expect: negative -5
# expect: str hi
# expect: seq 1 2 [3, 4]
# expect: seq 5 6 []
# expect: map 1 2 {'c': 3}
# expect: on y axis at 7
# expect: point 2 3
# expect: plain 1
# expect: none
# expect: other
# expect: other

try:
    match Plain():
        case Plain(1):
            pass
except TypeError as e:
    print(e)
# expect: Plain() accepts 0 positional sub-patterns (1 given)

class K:
    a = "k"
    b = "k"


try:
    match {"k": 1, "j": 2}:
        case {K.a: 1, K.b: 2}:
            pass
except ValueError as e:
    print(e)
# expect: mapping pattern checks duplicate key ('k')
