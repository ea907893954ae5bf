# Inlining: warnings.warn with stacklevel from an inlined callee names the right line.
import warnings

def old_api(x):
    warnings.warn("old_api is deprecated", DeprecationWarning, stacklevel=2)
    return x

def user(x):
    return old_api(x) + 1

def run():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = 0
        for i in range(200):
            t += user(i)
    return t, len(w), sorted({(x.lineno, str(x.message)) for x in w})

print(run())
