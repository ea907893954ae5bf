# Inlining: sys._getframe and f_lineno seen from inside inlined callees.
import sys

def where():
    f = sys._getframe(1)
    return f.f_code.co_name, f.f_lineno, sys._getframe().f_back.f_back.f_code.co_name

def helper(x):
    return where(), x

def run():
    seen = set()
    for i in range(300):
        seen.add(helper(i)[0])
    return sorted(seen)

print(run())
