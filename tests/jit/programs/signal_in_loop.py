# A signal raised inside a hot loop: its Python handler runs (the loop must poll for
# pending calls); the handler's count is printed after the loop.
import signal
hits = []
def handler(signum, frame):
    hits.append(signum)
old = signal.signal(signal.SIGUSR1, handler)
total = 0
def run(n):
    global total
    for i in range(n):
        total += i
        if i % 100 == 0:
            signal.raise_signal(signal.SIGUSR1)
run(1000)
signal.signal(signal.SIGUSR1, old)
print(total, len(hits), set(hits) == {signal.SIGUSR1})
def raising(signum, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGUSR1, raising)
caught = None
try:
    for i in range(10**6):
        if i == 50:
            signal.raise_signal(signal.SIGUSR1)
        if i > 1000:
            break
except KeyboardInterrupt:
    caught = i
signal.signal(signal.SIGUSR1, old)
print("interrupted", caught is not None and 50 <= caught <= 52)
