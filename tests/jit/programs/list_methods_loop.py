# List methods in a loop: insert, pop(i), extend, sort with key, reverse, count, index.

def main():
    xs = []
    for i in range(12):
        xs.insert(i // 2, i)
        if i % 4 == 3:
            xs.pop(1)
        xs.extend([i] if i % 5 == 0 else [])
    print(xs)
    xs.sort(key=lambda v: (v % 3, -v))
    print(xs)
    xs.reverse()
    print(xs, xs.count(0), xs.index(10))
    try:
        xs.index(99)
    except ValueError as e:
        print("ValueError:", e)


main()
