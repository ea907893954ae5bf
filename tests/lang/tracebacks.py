# Line numbers as CPython reports them: tracebacks through nested calls, generators and
# handlers, f_lineno of live frames, sys._getframe chains, frame.f_locals, tb_lasti.
import sys
import traceback


def level3():
    frame = sys._getframe()
    return [(f.f_code.co_name, f.f_lineno) for f in (frame, frame.f_back, frame.f_back.f_back)]


def level2():
    return level3()


def level1():
    x = 1
    return level2()


print(level1())
# expect: [('level3', 9), ('level2', 13), ('level1', 18)]


def show_locals(a, b=2):
    c = a + b
    return sorted(sys._getframe().f_locals.items())


print(show_locals(1))
# expect: [('a', 1), ('b', 2), ('c', 3)]


def multi_line_call():
    return int(
        "not a number"
    )


def in_generator():
    yield 1
    multi_line_call()


def in_handler():
    try:
        {}[0]
    except KeyError:
        next(g for g in [in_generator()])  # noqa
        list(in_generator())


try:
    in_handler()
except ValueError:
    print([(f.name, f.lineno) for f in traceback.extract_tb(sys.exc_info()[2])])
    print(repr(sys.exc_info()[1].__context__))
# expect: [('<module>', 54), ('in_handler', 50), ('in_generator', 42), ('multi_line_call', 35)]
# expect: KeyError(0)


def loop_lines():
    lines = []
    for i in range(2):
        lines.append(sys._getframe().f_lineno)
        while i < 1:
            lines.append(sys._getframe().f_lineno)
            i += 1
    return lines


print(loop_lines())
# expect: [65, 67, 65]


def reraise_line():
    try:
        raise OSError("first")
    finally:
        pass


try:
    reraise_line()
except OSError:
    tb = sys.exc_info()[2]
    print([(f.name, f.lineno) for f in traceback.extract_tb(tb)])
# expect: [('<module>', 84), ('reraise_line', 78)]

with_tb = None
try:
    assert 1 == 2, "assertion text"
except AssertionError as e:
    with_tb = e
    print(e, e.__traceback__.tb_lineno)
# expect: assertion text 92
