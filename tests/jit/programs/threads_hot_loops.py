# Hot loops in two threads at once (the GIL changes hands inside the loops); each thread's
# result is deterministic.
import threading
results = {}
def work(name, n, k):
    s = 0
    lst = []
    for i in range(n):
        s = (s * k + i) % 1000003
        if i % 1000 == 0:
            lst.append(s)
    results[name] = (s, lst[-3:])

ts = [threading.Thread(target=work, args=("t%d" % j, 60000, j + 2)) for j in range(2)]
for t in ts:
    t.start()
work("main", 30000, 7)
for t in ts:
    t.join()
print(sorted(results.items()))
