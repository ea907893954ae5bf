# Tokenizing text with split/strip/partition and counting with a dict in a loop.

def main():
    text = """the quick brown fox jumps over the lazy dog
      The dog sleeps; the fox runs.  
    key=value; a=1;b = 2 ;; c= three"""
    counts = {}
    for line in text.splitlines():
        for w in line.replace(";", " ").replace(".", " ").split():
            w = w.lower()
            counts[w] = counts.get(w, 0) + 1
    print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
    pairs = {}
    for part in text.splitlines()[2].split(";"):
        k, sep, v = part.partition("=")
        if sep:
            pairs[k.strip()] = v.strip()
    print(pairs)


main()
