# assert failing at iteration k with a message.
def check(xs):
    for i, x in enumerate(xs):
        assert x >= 0, "negative at %d: %r" % (i, x)
    return len(xs)
print(check([1, 2, 3]))
try:
    check([1, 2, -3, 4])
except AssertionError as e:
    print("AssertionError:", e)
