# Inlining: an UnboundLocalError inside an inlined callee at iteration k.
def f(x):
    if x < 150:
        y = x
    return y

def run():
    t = 0
    for i in range(300):
        try:
            t += f(i)
        except UnboundLocalError as e:
            return t, i, str(e)

print(run())
