# contextlib.contextmanager generators entered in a loop, with break inside the block.
from contextlib import contextmanager, suppress
events = []
@contextmanager
def tag(name):
    events.append("<" + name)
    try:
        yield name.upper()
    finally:
        events.append(name + ">")

for i in range(4):
    with tag("t%d" % i) as t:
        events.append(t)
        if i == 2:
            break
print(events)
n = 0
for i in range(6):
    with suppress(ZeroDivisionError):
        n += 6 // (i % 3)
print(n)
