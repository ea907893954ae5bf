# Instance attributes whose storage moves mid-loop (tier 1 reads them at a fixed place:
# 3.11 inline values, a dict entry, a __slots__ member): deleted and re-added, __dict__
# materialized (split dict) then replaced by a plain dict with other keys, vars() writes,
# a slot deleted, stores that replace, add and delete in turn.
class P:
    def __init__(self):
        self.a = 1
        self.b = 2.5
        self.c = "c"

class S:
    __slots__ = ("x", "y")
    def __init__(self):
        self.x = 10
        self.y = 20

def run(n):
    p, s = P(), S()
    out = []
    for i in range(n):
        try:
            out.append((p.a, p.b, p.c, s.x, s.y))
        except AttributeError as e:
            out.append(str(e))
        p.a = i
        s.x = i * 2
        if i == 3:
            del p.b
        if i == 4:
            p.b = -1.0
        if i == 5:
            p.__dict__
        if i == 7:
            p.__dict__ = {"zz": 0, "c": "new", "a": 5, "b": 6}
        if i == 9:
            vars(p)["b"] = "via vars"
        if i == 11:
            del s.y
        if i == 12:
            s.y = "back"
        if i == 14:
            p.__dict__.clear()
            p.a, p.b, p.c = 7, 8, 9
    return out

for line in run(18):
    print(line)
