"""Dict and string work: builds a text from a pseudo-random vocabulary, counts words and
letter pairs, and formats a report of the most frequent ones."""
from _step import main

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "ve", "qu", "da", "zen"]


def words(n, seed):
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        k = 1 + x % 3
        w = []
        for _ in range(k):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            w.append(SYLLABLES[x % len(SYLLABLES)])
        yield "".join(w)


def step(n):
    text = " ".join(words(n, 42))
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    pairs = {}
    for w in counts:
        for a, b in zip(w, w[1:]):
            key = a + b
            pairs[key] = pairs.get(key, 0) + counts[w]
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    report = "\n".join(f"{w.upper():>12}: {c:6d} {'#' * (c * 40 // top[0][1])}" for w, c in top)
    return len(counts), len(pairs), sum(pairs.values()), len(report), top[0]


if __name__ == "__main__":
    main(__doc__, step, default_size=50000, quick_size=12000)
