# Stitched side traces and recursion: the side path of a loop calls the same function again,
# so an inner activation runs the same loop trace (and its side trace) while the outer one
# is inside the side trace's machine code. Inner activations see other types, so they drop
# the side trace or the loop trace itself meanwhile; the outer one must finish correctly.
def walk(items, depth):
    total = items[0] * 0
    for i in range(1, len(items)):
        x = items[i]
        if i % 2 == 0:
            total = total + 1
        else:
            total = total + walk(x, depth + 1) * 2 + len(x)
    return total


def tree(depth, zero, width):
    if depth == 0:
        return [zero]
    return [zero] + [tree(depth - 1, zero, width) if i % 2 == 0 else i for i in range(width)]


print(walk(tree(3, 0, 40), 0))
print(walk([0] + [tree(2, 0.0, 30) if i % 2 == 0 else i for i in range(40)], 0))
mixed = [0]
for i in range(60):
    if i % 2 == 0:
        mixed.append(tree(1, 0.5 if i > 30 else 0, 24))
    else:
        mixed.append(i)
print(walk(mixed, 0))
