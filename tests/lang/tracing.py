# A tracer installed while a frame runs in tier 0 (what breakpoint()/pdb do): the frame is
# handed to CPython's evaluator at the next instruction, so its line events are exact.
import sys

events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "work":
        events.append((event, frame.f_lineno))
    return tracer


def work():
    sys._getframe().f_trace = tracer
    sys.settrace(tracer)
    x = 1
    for i in range(2):
        x += i
    sys.settrace(None)
    return x


print(work(), events)
# expect: 2 [('line', 17), ('line', 18), ('line', 19), ('line', 18), ('line', 19), ('line', 18), ('line', 20)]


def profiled():
    calls = []
    sys.setprofile(lambda frame, event, arg: calls.append((event, frame.f_code.co_name)))
    len("abc")
    sys.setprofile(None)
    return calls


print(profiled())
# expect: [('c_call', 'profiled'), ('c_return', 'profiled'), ('c_call', 'profiled')]
