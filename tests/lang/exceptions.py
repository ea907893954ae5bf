# Exceptions: try/except/else/finally, raise/raise from/bare raise (RERAISE), chaining,
# return inside finally, exception in handler, exception-type errors, tracebacks' lines.
import sys
import traceback


def classify(v):
    try:
        r = 10 // v
    except ZeroDivisionError as e:
        return "zero: %s" % e
    except (TypeError, ValueError):
        return "type"
    else:
        return "ok %d" % r
    finally:
        print("finally", v)


print(classify(2))
print(classify(0))
print(classify("x"))
# expect: finally 2
# expect: ok 5
# expect: finally 0
# expect: zero: integer division or modulo by zero
# expect: finally x
# expect: type


def chained():
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("wrapped") from e


try:
    chained()
except RuntimeError as e:
    print(repr(e), repr(e.__cause__), e.__suppress_context__)
# expect: RuntimeError('wrapped') KeyError('missing') True


def implicit_context():
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("in handler")


try:
    implicit_context()
except ValueError as e:
    print(repr(e.__context__))
# expect: ZeroDivisionError('division by zero')


def reraise():
    try:
        int("nope")
    except ValueError:
        print("handling", sys.exc_info()[0].__name__)
        raise


try:
    reraise()
except ValueError as e:
    print("reraised", e)
# expect: handling ValueError
# expect: reraised invalid literal for int() with base 10: 'nope'


def finally_return():
    try:
        raise KeyError("lost")
    finally:
        return "finally wins"


print(finally_return(), sys.exc_info())
# expect: finally wins (None, None, None)


def nested_finally(log):
    for i in range(3):
        try:
            try:
                if i == 1:
                    continue
                if i == 2:
                    break
                log.append("body%d" % i)
            finally:
                log.append("inner%d" % i)
        finally:
            log.append("outer%d" % i)
    return log


print(nested_finally([]))
# expect: ['body0', 'inner0', 'outer0', 'inner1', 'outer1', 'inner2', 'outer2']

for bad in (lambda: (_ for _ in ()).throw(1), lambda: exec("raise 5")):
    try:
        bad()
    except TypeError as e:
        print(e)
# expect: exceptions must be classes or instances deriving from BaseException, not int
# expect: exceptions must derive from BaseException
try:
    try:
        raise ValueError
    except 42:
        pass
except TypeError as e:
    print(e)
# expect: catching classes that do not inherit from BaseException is not allowed
try:
    raise
except RuntimeError as e:
    print(e)
# expect: No active exception to reraise


def where_it_failed():
    x = 1
    y = 0
    return x / y


try:
    where_it_failed()
except ZeroDivisionError:
    tb = traceback.extract_tb(sys.exc_info()[2])
    print([(f.name, f.lineno, f.line) for f in tb])
# expect: [('<module>', 134, 'where_it_failed()'), ('where_it_failed', 130, 'return x / y')]


class Custom(Exception):
    def __init__(self, code):
        super().__init__("code %d" % code)
        self.code = code


try:
    raise Custom(7)
except Exception as e:
    print(type(e).__name__, e, e.code)
# expect: Custom code 7 7
try:
    raise Custom
except TypeError as e:
    print(e)
# expect: Custom.__init__() missing 1 required positional argument: 'code'
e = None
try:
    raise KeyError("gone")
except KeyError as e:
    pass
try:
    print(e)
except NameError as err:
    print(err)
# expect: name 'e' is not defined
