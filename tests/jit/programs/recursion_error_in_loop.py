# RecursionError caught inside a loop; the loop continues afterwards.
def down(n):
    return down(n + 1)

def ok(n):
    return 0 if n == 0 else ok(n - 1) + 1


def main():
    caught = 0
    for i in range(3):
        try:
            down(0)
        except RecursionError as e:
            caught += 1
            msg = str(e)
    print(caught, msg)
    print(ok(200))


main()
