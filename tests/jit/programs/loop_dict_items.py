# Iterating dict items, keys and values with modification of values.

def main():
    prices = {"apple": 3, "pear": 5, "fig": 7, "kiwi": 2}
    total = 0
    for name, p in prices.items():
        total += p * len(name)
        prices[name] = p + 1
    print(total, prices)
    for k in prices:
        prices[k] *= 2
    print(list(prices.values()), sum(prices.values()))
    inv = {v: k for k, v in prices.items()}
    print(inv)


main()
