# KeyError at iteration k; the key's repr appears in the message; traceback printed.
import traceback
def lookup(d, keys):
    out = []
    for k in keys:
        out.append(d[k])
    return out

d = {"x": 1, "y": 2, (1, 2): 3}
print(lookup(d, ["x", "y", (1, 2)]))
try:
    lookup(d, ["x", "y", "zz", "x"])
except KeyError:
    print(traceback.format_exc())
for k in ["x", (1, 2), 5]:
    try:
        del d[k]
        print("deleted", k)
    except KeyError as e:
        print("KeyError", e, repr(e.args))
