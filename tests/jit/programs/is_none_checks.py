# `is None` / `is not None` / identity checks and truthiness of many types in a loop.

def main():
    vals = [None, 0, 0.0, "", [], {}, (), 1, "a", [0], -1.5, False, True]
    out = []
    for v in vals:
        out.append((v is None, v is not None, bool(v), not v, v is False, v == 0))
    for row in out:
        print(row)
    cnt = 0
    for v in vals * 100:
        if v:
            cnt += 1
        elif v is None:
            cnt -= 100
    print(cnt)


main()
