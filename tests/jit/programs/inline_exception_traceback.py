# Inlining: the traceback of an exception raised inside inlined callees (printed with its
# frames and lines).
import traceback

def divide(a, b):
    return a / b

def ratio(x):
    return divide(x, x % 50)

def run():
    t = 0.0
    for i in range(1, 300):
        try:
            t += ratio(i)
        except ZeroDivisionError:
            tb = traceback.format_exc()
            print(tb.replace(__file__, "FILE"))
    return t

print(run())
