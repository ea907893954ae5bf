# sys.settrace switched on and off from inside a hot loop: calls made while it is on are
# traced (the traced frames run on CPython's evaluator), the loop's results don't change.
import sys
events = []
def tracer(frame, event, arg):
    if frame.f_code.co_name == "g":
        events.append((event, frame.f_lineno - g.__code__.co_firstlineno))
    return tracer
def g(x):
    y = x * 2
    return y + 1
def run(n):
    s = 0
    for i in range(n):
        if i == 3:
            sys.settrace(tracer)
        if i == 5:
            sys.settrace(None)
        s += g(i)
    return s
print(run(8))
sys.settrace(None)
print(events)
