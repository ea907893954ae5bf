# An int accumulator that grows past 2**63 mid-loop: unboxed int64 arithmetic must
# fall back to arbitrary precision exactly at the overflowing iteration.
def grow(n):
    x = 1
    out = []
    for i in range(n):
        x = x * 3 + i
        if i % 7 == 0:
            out.append(x)
    return x, out

x, out = grow(60)
print(x)
print(out[-3:])
print(x > 2**63, x.bit_length())

def add_until(limit):
    s = 2**62
    steps = 0
    while s < limit:
        s += 2**60 + steps
        steps += 1
    return s, steps

print(add_until(2**64))
print(add_until(-5))
