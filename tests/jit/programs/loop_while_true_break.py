# while True with several exits, the exit taken varying.
def search(xs, target):
    i = 0
    while True:
        if i >= len(xs):
            return -1
        if xs[i] == target:
            break
        i += 1
    return i

xs = [5, 3, 9, 1, 7]
print([search(xs, t) for t in (5, 9, 7, 2)])
def countdown(n):
    log = []
    while True:
        n -= 1
        if n % 5 == 0:
            log.append(n)
            continue
        if n < 0:
            break
    return log
print(countdown(23))
