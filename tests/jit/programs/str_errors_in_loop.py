# TypeError from str + int at one iteration; ValueError from int() parsing.

def main():
    items = ["1", "2", "x3", "4", 5]
    total = 0
    for it in items:
        try:
            total += int(it)
        except ValueError as e:
            print("ValueError:", e)
    print(total)
    acc = ""
    for it in items:
        try:
            acc = acc + it
        except TypeError as e:
            print("TypeError:", e)
    print(acc)


main()
