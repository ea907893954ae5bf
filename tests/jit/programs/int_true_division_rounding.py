# int / int is correctly rounded in Python, also when the operands do not fit a double's
# 53-bit mantissa: converting both to double first rounds twice and can differ in the last
# bit. Pairs below were found by search (float(a) / float(b) != a / b).
PAIRS = [(5258986265376043509, 888599), (7053584670082022960, 66173),
         (1096615257545913404, 519502), (874709080445262125, 511555)]

def divide(pairs):
    out = []
    for a, b in pairs:
        out.append((repr(a / b), repr(-a / b), repr(a / -b)))
    return out

for row in divide(PAIRS):
    print(row)
def mixed(n):
    acc = []
    big = 2**62 + 1
    for i in range(1, n):
        acc.append(repr((big + i) / (i * 7919)))
    return acc
print(mixed(6))
try:
    for k in (10, 1000, 2000):
        print(k, 2**k / 3)
except OverflowError as e:
    print("OverflowError:", e)
