# String comparisons, min/max and sorting inside loops.

def main():
    words = "pear apple fig banana cherry date elderberry".split()
    best = words[0]
    for w in words:
        if w < best:
            best = w
    print(best)
    longest = ""
    for w in words:
        if len(w) > len(longest) or (len(w) == len(longest) and w > longest):
            longest = w
    print(longest, sorted(words, key=len), max(words), "fig" in words)
    print(["%s-%d" % (w[:2], len(w)) for w in words])


main()
