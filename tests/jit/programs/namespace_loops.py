# Loops run by LOAD_NAME/STORE_NAME in other namespaces than a module's: a class body,
# one code object exec'd in several dicts (a trace recorded in one must not run with
# another's values), a custom locals mapping whose __getitem__/__setitem__ must be called,
# and a module-level loop whose names are changed through globals() mid-loop.
class K:
    total = 0
    for i in range(50):
        total += i * 2
    del i
print(K.total, hasattr(K, "i"))

code = compile("s = start\nfor j in range(n):\n    s += j * step\n", "<exec-loop>", "exec")
results = []
for trial in range(4):
    ns = {"start": trial, "n": 10 + trial, "step": trial - 1}
    exec(code, ns)
    results.append((ns["s"], ns["j"]))
print(results)

class Logged(dict):
    def __init__(self, *a):
        super().__init__(*a)
        self.sets = 0
        self.gets = 0
    def __setitem__(self, k, v):
        self.sets += 1
        super().__setitem__(k, v)
    def __getitem__(self, k):
        self.gets += 1
        return super().__getitem__(k)

loc = Logged({"start": 5, "n": 20, "step": 3})
exec(code, {}, loc)
print(loc["s"], loc.sets, loc.gets)

acc = 0
for m in range(8):
    acc += m
    if m == 4:
        globals()["acc"] = 1000
        globals()["m"] = 99   # rebinding the loop variable does not change the iteration
print(acc, m)
