# List concatenation, repetition, comparison and `in` in a loop.

def main():
    acc = []
    for i in range(6):
        acc = acc + [i] * (i % 3)
        print(acc, acc < [0, 1, 2], 2 in acc, [1, 1] == acc[:2])
    print([[1, 2], [1, 3], [0, 9]] < [[1, 2], [1, 4]], sorted([[3], [1, 2], [1]]))


main()
