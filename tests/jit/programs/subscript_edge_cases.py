# Subscripts at a site that has seen plain list[int]: bools, big ints, negative indices,
# list subclasses overriding __getitem__/__setitem__, tuples and strings.
import traceback
class Rev(list):
    def __getitem__(self, i):
        return list.__getitem__(self, -1 - i)
    def __setitem__(self, i, v):
        list.__setitem__(self, i, v * 100)

def read(seqs, idxs):
    out = []
    for s in seqs:
        for i in idxs:
            try:
                out.append(s[i])
            except (IndexError, TypeError) as e:
                out.append("%s: %s" % (type(e).__name__, e))
    return out

seqs = [[1, 2, 3], Rev([1, 2, 3]), (4, 5, 6), "xyz"]
for row in read(seqs, [0, 1, -1, True, False, 3, -4, 2**64, 1.0]):
    print(row)
def write(n):
    a = [0] * 4
    b = Rev([0] * 4)
    for i in range(n):
        a[i % 4] = i
        a[-1 - (i % 4)] += 1
        b[i % 4] = i
    return a, list(b)
print(write(10))
try:
    for i in range(5):
        [1, 2][i] = 0
except IndexError:
    print(traceback.format_exc())
