# sys.getrefcount inside a loop: a leaked or missing reference shows up as a changed count.
import sys
class O:
    pass
def run(n):
    o = O()
    counts = []
    holder = []
    for i in range(n):
        counts.append(sys.getrefcount(o))
        if i % 2 == 0:
            holder.append(o)
        elif holder:
            holder.pop()
    return counts
print(run(8))
s = "unique-" + str(12345)
print([sys.getrefcount(s) for _ in range(3)])
