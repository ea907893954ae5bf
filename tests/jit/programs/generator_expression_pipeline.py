# A lazy pipeline of generator expressions and generator functions consumed by a loop.
def numbers(n):
    for i in range(n):
        yield i


def main():
    evens = (x for x in numbers(10000) if x % 2 == 0)
    squares = (x * x for x in evens)
    small = (x for x in squares if x % 3 == 1)
    total = 0
    count = 0
    for v in small:
        total += v
        count += 1
        if count == 500:
            break
    print(total, count, next(small))
    print(sum(1 for _ in zip(numbers(5), numbers(100))), any(x > 3 for x in numbers(5)),
          all(x < 3 for x in numbers(5)))


main()
