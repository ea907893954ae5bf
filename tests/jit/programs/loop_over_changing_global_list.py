# A function's loop reads a global list that another function replaces between calls.
DATA = [1, 2, 3]
def total():
    s = 0
    for x in DATA:
        s += x
    return s

def replace(n):
    global DATA
    DATA = [n] * n

out = []
for i in range(6):
    out.append(total())
    replace(i)
print(out)
DATA = "abc"
try:
    total()
except TypeError as e:
    print("TypeError:", e)
