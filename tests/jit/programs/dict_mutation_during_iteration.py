# Changing a dict's size while iterating raises RuntimeError at the next step.

def main():
    d = {1: 1, 2: 2, 3: 3}
    try:
        for k in d:
            d[k + 10] = k
    except RuntimeError as e:
        print("RuntimeError:", e)
    print(sorted(d))
    d = {1: 1, 2: 2, 3: 3}
    for k in d:
        d[k] = d[k] * 10  # value updates are fine
    print(d)
    try:
        for k in d.keys():
            if k == 2:
                del d[k]
    except RuntimeError as e:
        print("RuntimeError:", e)
    print(d)


main()
