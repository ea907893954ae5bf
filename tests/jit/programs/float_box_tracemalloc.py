# Floats boxed and released in a hot loop (the interpreter's float free list) while
# tracemalloc starts and stops mid-loop (boxing must then go through PyFloat_FromDouble's
# traced path), float temporaries that die at once, floats kept in a list, and float
# subclasses mixed in (their release is not the free list's).
import tracemalloc


class F(float):
    pass


def run(n):
    kept = []
    t = 0.0
    traced = []
    for i in range(n):
        x = i * 0.5
        y = (x + 1.0) * (x - 1.0)  # temporaries
        t += y / (i + 1)
        if i % 7 == 0:
            kept.append(y)
        if i % 11 == 0:
            t += F(0.25) + x
        if i == 20:
            tracemalloc.start()
        if i == 40:
            traced.append(tracemalloc.is_tracing())
            cur, peak = tracemalloc.get_traced_memory()
            traced.append(peak >= cur >= 0)
            tracemalloc.stop()
    return t, kept[-3:], len(kept), traced


print(run(60))
print(run(3))
