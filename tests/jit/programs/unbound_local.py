# A local assigned only on some iterations: reading it before assignment raises.
def f(flags):
    out = []
    for i, flag in enumerate(flags):
        if flag:
            v = i
        out.append(v)
    return out

print(f([True, False, True]))
try:
    f([False, True])
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
def g():
    for i in range(3):
        pass
    del i
    return i
try:
    g()
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
