# Output interleaved on stdout and stderr from a loop (each stream compared on its own).
import sys

def main():
    for i in range(5):
        print("out", i)
        print("err", i * i, file=sys.stderr)
        sys.stderr.write("w%d\n" % i)
    print("done")


main()
