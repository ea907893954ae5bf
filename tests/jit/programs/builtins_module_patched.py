# builtins module itself patched mid-loop (restored afterwards so nothing leaks).
import builtins
orig = builtins.max
def run():
    out = []
    try:
        for i in range(5):
            out.append(max(i, 2))
            if i == 2:
                builtins.max = min
    finally:
        builtins.max = orig
    return out
print(run(), max(1, 9))
