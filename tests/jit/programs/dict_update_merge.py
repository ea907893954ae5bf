# update, |, |=, comparisons and `in` on dicts in a loop.

def main():
    base = {"a": 1}
    for i in range(5):
        base.update({chr(98 + i): i})
        base |= {"a": base["a"] + i}
        merged = base | {"z": -i}
        print(len(merged), merged["a"], "c" in base, merged == base)
    print(base)


main()
