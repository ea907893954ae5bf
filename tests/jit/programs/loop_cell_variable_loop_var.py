# The loop variable itself is a cell (captured by an inner function).
def run(n):
    fns = []
    total = 0
    for i in range(n):
        def get():
            return i * 2
        total += get()
        fns.append(get)
    return total, [f() for f in fns]
print(run(6))
