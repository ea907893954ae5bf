# String building, slicing, methods and formatting inside loops.
def caesar(s, k):
    out = ""
    for ch in s:
        if ch.isalpha():
            base = ord("a") if ch.islower() else ord("A")
            out += chr((ord(ch) - base + k) % 26 + base)
        else:
            out += ch
    return out

msg = "Hello, World! xyz"
for k in (1, 13, -3, 26):
    print(caesar(msg, k))
parts = []
for i in range(8):
    parts.append(f"{i:03d}|{str(i)*i:>5}|{'x' if i % 2 else 'y'}")
print(";".join(parts))
s = "abracadabra"
print([s[i:i + 3] for i in range(0, len(s), 2)], s.count("a"), s.split("a"))
