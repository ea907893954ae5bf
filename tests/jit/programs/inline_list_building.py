# Inlining: callees building and returning lists, tuples and dicts.
def pair(i):
    return (i, i * i)

def row(i):
    return [pair(i), pair(i + 1)]

def record(i):
    return {"i": i, "row": row(i)}

def run():
    out = []
    for i in range(300):
        r = record(i)
        out.append(r["row"][1][1])
    return sum(out), out[:4]

print(run())
