# Insertion order of dicts through deletes and re-inserts; keys/values/items views.

def main():
    d = {}
    for i in range(10):
        d[i * 7 % 10] = i
    for k in list(d):
        if k % 3 == 0:
            del d[k]
            d[k] = "again"
    print(list(d.keys()))
    print(list(d.values()))
    print(list(d.items())[:4])
    total = 0
    for k, v in d.items():
        total += k if isinstance(v, str) else v
    print(total)


main()
