# bytes and bytearray indexing (ints), building and slicing in loops.

def main():
    data = bytes(range(0, 256, 7))
    chk = 0
    for i, b in enumerate(data):
        chk = (chk * 31 + b ^ i) & 0xFFFFFFFF
    print(chk, data[3], data[-1], data[2:5])
    buf = bytearray()
    for i in range(20):
        buf.append((i * 13) % 256)
        if i % 5 == 4:
            buf[i - 2] = 0
    buf.extend(b"xyz")
    print(bytes(buf), buf.hex()[:16], buf.count(0))
    try:
        buf.append(256)
    except ValueError as e:
        print("ValueError:", e)


main()
