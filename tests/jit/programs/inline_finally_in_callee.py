# Inlining: callees with try/except/finally (handlers run in tier 0 when taken).
def safe_div(a, b):
    try:
        return a // b
    except ZeroDivisionError:
        return -1
    finally:
        pass

def run():
    t = 0
    for i in range(400):
        t += safe_div(i, i % 9)
    return t

print(run())
