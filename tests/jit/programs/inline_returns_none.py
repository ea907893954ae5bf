# Inlining: callees that return None implicitly and mutate their arguments.
def push(lst, v):
    lst.append(v)

def maybe(lst, v):
    if v % 3 == 0:
        push(lst, v)

def run():
    lst = []
    for i in range(500):
        maybe(lst, i)
    return len(lst), lst[:5], lst[-1]

print(run())
