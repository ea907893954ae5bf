# except* and exception groups: CHECK_EG_MATCH, PREP_RERAISE_STAR, splitting, re-raise.
def run(eg):
    try:
        raise eg
    except* ValueError as e:
        print("values", [str(x) for x in e.exceptions])
    except* TypeError as e:
        print("types", [str(x) for x in e.exceptions])


run(ExceptionGroup("g", [ValueError("v1"), TypeError("t1"), ValueError("v2")]))
# expect: values ['v1', 'v2']
# expect: types ['t1']

try:
    run(ExceptionGroup("g", [ValueError("v"), KeyError("k")]))
except ExceptionGroup as e:
    print("rest", repr(e.exceptions))
# expect: values ['v']
# expect: rest (KeyError('k'),)

try:
    raise ValueError("naked")
except* ValueError as e:
    print(type(e).__name__, e.exceptions)
# expect: ExceptionGroup (ValueError('naked'),)

try:
    try:
        raise ExceptionGroup("g", [OSError("o")])
    except* OSError:
        raise RuntimeError("from handler")
except ExceptionGroup as e:
    print(type(e).__name__, [type(x).__name__ for x in e.exceptions])
# expect: ExceptionGroup ['RuntimeError']

try:
    try:
        raise ValueError
    except* ExceptionGroup:
        pass
except TypeError as e:
    print(e)
# expect: catching ExceptionGroup with except* is not allowed. Use except instead.
