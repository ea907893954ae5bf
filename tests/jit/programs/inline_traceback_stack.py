# Inlining: traceback.extract_stack from inside two inlined frames.
import traceback

def leaf(i):
    return [(f.name, f.lineno) for f in traceback.extract_stack()][-4:]

def mid(i):
    return leaf(i)

def run():
    last = None
    for i in range(300):
        last = mid(i)
    return last

print(run())
