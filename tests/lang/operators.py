# Operators and small instructions: every BINARY_OP (and in-place form), unary ops,
# comparisons and chains, is/in, slices, f-strings with conversions and specs,
# globals/names (STORE/DELETE_GLOBAL, DELETE_NAME), module annotations, PRINT_EXPR.
import sys

x: int = 3
a, b = 17, 5
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** 2, a << 2, a >> 1, a & b, a | b, a ^ b)
# expect: 22 12 85 3.4 3 2 289 68 8 1 21 20
v = 7
v += 1; v -= 2; v *= 3; v //= 4; v **= 2; v %= 7; v <<= 3; v >>= 1; v |= 1; v &= 7; v ^= 2
print(v)
# expect: 3
f = 2.5
f /= 2
print(f, -a, +a, ~a, not a, not 0, 1 < 2 < 3, 3 > 2 > 2, None is None, a is not None)
# expect: 1.25 -17 17 -18 False True True False True True
print("ab" in "cabd", 4 not in [1, 2], "x" * 3, [1] * 2, "%s-%d" % ("s", 4))
# expect: True True xxx [1, 1] s-4


class M:
    def __matmul__(self, o):
        return "matmul"

    def __imatmul__(self, o):
        return "imatmul"


m = M()
print(m @ m, end=" ")
m @= m
print(m)
# expect: matmul imatmul
s = "abcdefgh"
print(s[1:4], s[::-2], s[:-3], s[5:], s[1:7:3])
# expect: bcd hfdb abcde fgh be
lst = list(range(8))
lst[2:5] = ["x"]
del lst[0]
del lst[::2]
print(lst)
# expect: ['x', 6]
width, val = 8, 3.14159
print(f"{val:.2f}|{val!r:>{width}}|{'q'!s}|{'é'!a}|{width:#x}|{ {1: 2}[1] }|{val=:.1f}")
# expect: 3.14| 3.14159|q|'\xe9'|0x8|2|val=3.1


def set_global():
    global created
    created = "yes"


set_global()
print(created)
# expect: yes
del created
try:
    created
except NameError as e:
    print(e)
# expect: name 'created' is not defined


def del_global():
    global x
    del x


del_global()
print("x" in globals(), __annotations__)
# expect: False {'x': <class 'int'>}
exec(compile("6 * 7", "<interactive>", "single"))
# expect: 42
try:
    1 + "a"
except TypeError as e:
    print(e)
# expect: unsupported operand type(s) for +: 'int' and 'str'
try:
    [] < 1
except TypeError as e:
    print(e)
# expect: '<' not supported between instances of 'list' and 'int'
print(sys.getrecursionlimit() > 0, 10 ** 20, 2 ** -1, divmod(-7, 2), round(2.675, 2))
# expect: True 100000000000000000000 0.5 (-4, 1) 2.67
