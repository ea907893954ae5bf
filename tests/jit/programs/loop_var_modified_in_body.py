# Assigning the loop variable inside the body doesn't change the iteration; the list being
# iterated is replaced (the iterator keeps the old one) or extended (it sees the new items).
def run():
    out = []
    for i in range(5):
        out.append(i)
        i += 100
        out.append(i)
    xs = [1, 2, 3]
    for x in xs:
        xs = [9, 9]
        out.append(x)
    ys = [1, 2]
    for y in ys:
        if y < 4:
            ys += [y + 2]
        out.append(y)
    return out, xs, ys
print(run())
