# A float compared with an int constant (`x > 0`, `x <= 9007199254740992`): the trace
# compares doubles when the int converts exactly; larger ints, NaN, infinities, negative
# zero and bools keep CPython's answers.
import math


def classify(xs):
    out = []
    for x in xs:
        flags = (x > 0, x >= -3, x < 10, x <= 9007199254740992, x == 2, x != 7,
                 0 < x, 2 == x, x > 2 ** 60, x == 9007199254740993, x < True)
        out.append(sum(1 << i for i, f in enumerate(flags) if f))
    return out


values = [i * 0.75 - 5.0 for i in range(40)]
values += [math.nan, math.inf, -math.inf, -0.0, 0.0, 2.0, 7.0, 9007199254740992.0,
           9007199254740994.0, 2.0 ** 60, 2.0 ** 60 + 2 ** 9, -1e300]
print(classify(values))
print(classify(values[::-1]))
