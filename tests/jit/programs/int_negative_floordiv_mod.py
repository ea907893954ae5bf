# Floor division and modulo with negative operands round toward -inf in Python (unlike C).
def table(lo, hi):
    rows = []
    for a in range(lo, hi):
        for b in (-7, -3, -1, 1, 2, 5):
            rows.append((a // b, a % b, divmod(a, b)))
    return rows

rows = table(-9, 10)
print(len(rows))
print(rows[:8])
print(rows[-8:])
print(sum(q for q, r, d in rows), sum(r for q, r, d in rows))

def neg_loop(n):
    acc = 0
    for i in range(n):
        acc -= i * i
        acc = acc // 3 if i % 2 else acc % -1000003
    return acc

print(neg_loop(500))
