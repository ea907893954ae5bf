# try/finally inside loops with break, continue and return passing through finally.
def f(n):
    log = []
    for i in range(n):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            log.append(i)
        finally:
            log.append("f%d" % i)
    return log
print(f(10))
def g():
    for i in range(5):
        try:
            if i == 2:
                return i
        finally:
            print("finally", i)
print(g())
def h():
    out = []
    for i in range(3):
        try:
            try:
                1 / (i - 1)
            finally:
                out.append("inner%d" % i)
        except ZeroDivisionError:
            out.append("caught%d" % i)
    return out
print(h())
