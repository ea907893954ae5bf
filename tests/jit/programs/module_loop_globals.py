# A module-level loop (names stored into the module's globals every iteration) calling
# functions that read globals: rebinding a global mid-loop, deleting and re-adding one,
# shadowing a builtin at module level and removing the shadow again.
import math

SCALE = 0.5
OFFSET = 1


def f(i):
    return math.sqrt(i) * SCALE + OFFSET + len("ab")


def g(i):
    return abs(i - 7) + max(i, 3)


total = 0.0
seen = []
for i in range(600):
    try:
        x = f(i)
    except NameError as e:
        seen.append(str(e))
        x = 0.0
    total += x + g(i)
    if i == 150:
        SCALE = 2          # rebound: f must see the int now
    if i == 300:
        del OFFSET         # f raises NameError until it is back
    if i == 310:
        OFFSET = -1
    if i == 400:
        def len(s):        # shadows the builtin in this module
            return 100
    if i == 500:
        del len            # the builtin again
print(round(total, 6), seen[:2], len(seen))


class Noisy:
    def __init__(self, k):
        self.k = k

    def __del__(self):
        events.append(self.k)


events = []
obj = None
acc = 0
for j in range(400):
    obj = Noisy(j)              # the previous one's __del__ runs at this store
    acc += obj.k
    if j % 100 == 50:
        globals()["acc"] = acc * 2          # a store the trace does not make
    if j == 200:
        del obj                 # the name leaves the dict (keys change)
        obj = Noisy(-1)
    new_name_each_time = j      # stays; no new keys after the first iteration
print(acc, len(events), events[:3], events[-3:])
