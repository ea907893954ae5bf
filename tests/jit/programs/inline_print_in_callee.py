# Inlining: output from inside inlined callees, in order.
def show(i):
    if i % 100 == 0:
        print("at", i)
    return i

def run():
    t = 0
    for i in range(350):
        t += show(i)
    return t

print(run())
