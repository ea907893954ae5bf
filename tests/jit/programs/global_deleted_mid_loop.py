# A global deleted mid-loop: the load then raises NameError.
import traceback
G = 1

def use(n):
    s = 0
    for i in range(n):
        s += G
        if i == 2:
            del globals()["G"]
    return s

try:
    use(5)
except NameError:
    print(traceback.format_exc())
G = 5
print(use(2))
