# ExceptionGroup with except* handled inside a loop.
def work(i):
    errs = []
    if i % 2:
        errs.append(ValueError(i))
    if i % 3 == 0:
        errs.append(KeyError(i))
    if errs:
        raise ExceptionGroup("batch %d" % i, errs)
    return i

log = []
for i in range(7):
    try:
        log.append(work(i))
    except* ValueError as eg:
        log.append(("V", [str(e) for e in eg.exceptions]))
    except* KeyError as eg:
        log.append(("K", [str(e) for e in eg.exceptions]))
print(log)
