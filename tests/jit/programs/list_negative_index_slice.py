# Negative indices and slices (with steps) inside loops.

def main():
    xs = list(range(30))
    out = []
    for k in range(1, 8):
        out.append((xs[-k], xs[-k:], xs[::k][:4], xs[k:-k:k], xs[::-k][:3]))
    for row in out:
        print(row)
    ys = list("abcdefgh")
    for i in range(4):
        ys[i:i + 2] = ys[i + 1:i - 1:-1] if i else ["X"]
        print("".join(ys))
    del ys[::3]
    print(ys)


main()
