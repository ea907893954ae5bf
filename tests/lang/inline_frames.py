# Python-to-Python calls and generator resumptions that tier 0 runs inside its own loop
# (no C recursion): results, tracebacks, frames, recursion limits, specialization guards.
import sys
import traceback


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def with_defaults(a, b=10, c=20):
    return a + b + c


class Node:
    def __init__(self, value):
        self.value = value

    def get(self, scale=1):
        return self.value * scale


def run_calls():
    total = 0
    for i in range(300):  # enough to specialize every call site
        total += with_defaults(i) + with_defaults(i, 1) + Node(i).get() + Node(i).get(2)
    return total


print(fib(20), run_calls())
# A changed function (new defaults, new code) must not run a stale specialization.
with_defaults.__defaults__ = (100, 200)
print(run_calls())
with_defaults.__code__ = (lambda a, b=0, c=0: a * 1000).__code__
print(run_calls())


def depth_reached():
    depth = 0

    def down():
        nonlocal depth
        depth += 1
        down()

    try:
        down()
    except RecursionError as e:
        return depth, str(e)


print(depth_reached())


def fails(n):
    if n == 0:
        raise ValueError("bottom")
    return fails(n - 1)


try:
    fails(3)
except ValueError:
    tb = traceback.extract_tb(sys.exc_info()[2])
    print([(frame.name, frame.lineno) for frame in tb])


def stack_names():
    f = sys._getframe()
    names = []
    while f is not None:
        names.append(f.f_code.co_name)
        f = f.f_back
    return names


def outer():
    return middle()


def middle():
    return stack_names(), sys._getframe(1).f_lineno


print(outer())


def counter(n):
    for i in range(n):
        yield i
    return "done"


def gen_raises_stop():
    yield 1
    raise StopIteration("inner")


def gen_fails():
    yield 1
    1 / 0


def gen_frames():
    yield sys._getframe().f_back.f_code.co_name
    yield sys.exc_info()[0]


def use_generators():
    print(sum(counter(100)), [x * x for x in counter(5)])
    try:
        for x in gen_raises_stop():
            pass
    except RuntimeError as e:
        print(type(e).__name__, e, repr(e.__cause__))
    try:
        for x in gen_fails():
            pass
    except ZeroDivisionError:
        tb = traceback.extract_tb(sys.exc_info()[2])
        print([(frame.name, frame.lineno) for frame in tb])
    try:
        raise KeyError("handled")
    except KeyError:
        print(list(gen_frames()), sys.exc_info()[0])
    g = counter(3)
    for x in g:
        print(x, g.gi_running, g.gi_frame.f_back is sys._getframe())
    print(g.gi_frame, g.gi_running)


use_generators()


def nested_generators(n):
    if n == 0:
        yield 0
        return
    for x in nested_generators(n - 1):
        yield x + 1


print(list(nested_generators(50)))


def deep_generators():
    try:
        for x in nested_generators(100000):
            pass
    except RecursionError:
        return "RecursionError"


print(deep_generators())


def tracing_starts_in_callee():
    events = []

    def tracer(frame, event, arg):
        if frame.f_code.co_name == "tracing_starts_in_callee":
            events.append(event)
        return tracer

    def start():
        sys.settrace(tracer)
        sys._getframe(1).f_trace = tracer

    start()
    x = 1
    x += fib(2)
    sys.settrace(None)
    return events


print(tracing_starts_in_callee())


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name)


def keeps_frame(n):
    local = Noisy("kept%d" % n)
    return sys._getframe()


def drops_local(n):
    local = Noisy("dropped%d" % n)
    return n * 2


def frames_outlive_calls():
    # A frame object that outlives its call keeps the frame's values (locals readable
    # after the return); a frame without one releases them at the return, finalizers
    # running before the caller goes on.
    kept = [keeps_frame(i) for i in range(3)]
    print([f.f_locals["n"] for f in kept], kept[0].f_lineno, kept[2].f_code.co_name)
    print(sum(drops_local(i) for i in range(2)), drops_local(5))
    del kept
    print("end")


frames_outlive_calls()
# expect: 6765 239550
# expect: 374550
# expect: 89834550
# expect: (998, 'maximum recursion depth exceeded')
# expect: [('<module>', 64), ('fails', 60), ('fails', 60), ('fails', 60), ('fails', 59)]
# expect: (['stack_names', 'middle', 'outer', '<module>'], 80)
# expect: 4950 [0, 1, 4, 9, 16]
# expect: RuntimeError generator raised StopIteration StopIteration('inner')
# expect: [('use_generators', 119), ('gen_fails', 103)]
# expect: ['use_generators', <class 'KeyError'>] <class 'KeyError'>
# expect: 0 False False
# expect: 1 False False
# expect: 2 False False
# expect: None False
# expect: [50]
# expect: RecursionError
# expect: ['line', 'line', 'line']
# expect: [0, 1, 2] 191 keeps_frame
# expect: del dropped0
# expect: del dropped1
# expect: del dropped5
# expect: 2 10
# expect: del kept2
# expect: del kept1
# expect: del kept0
# expect: end
