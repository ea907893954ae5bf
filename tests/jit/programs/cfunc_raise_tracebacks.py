# Direct C calls that raise inside an inlined Python function, caught in the loop or not:
# the exception, its traceback and the loop's state must be tier 0's.
import traceback


def pick(seq, k):
    return seq.index(k)  # list.index: METH_FASTCALL, ValueError when absent


def scan(seq, keys):
    found = []
    for k in keys:
        try:
            found.append(pick(seq, k))
        except ValueError:
            found.append(traceback.format_exc().splitlines()[-3:])
    return found


for row in scan([3, 1, 4, 1, 5], [1, 4, 5, 3, 9, 1, 4]):
    print(row)


def last(seq):
    total = 0
    for i in range(8):
        total += seq.pop()  # IndexError from an empty list, uncaught
    return total


print(last(list(range(20))))
print(last(list(range(5))))
