# int/float comparisons are exact in Python: 2**63 + 1 != float(2**63), although both
# convert to the same double. A loop comparing them must not round the int.

def main():
    pairs = [(2**63, float(2**63)), (2**63 + 1, float(2**63)), (2**53 + 1, 2.0**53),
             (-2**63, -9.223372036854776e18), (10**20, 1e20), (7, 7.0), (-0, -0.0),
             (1, float("nan")), (2**1000, float("inf"))]
    for a, b in pairs:
        print(a == b, a < b, a > b, a <= b, b == a, b < a)
    cnt = 0
    big = 2**53
    for i in range(10):
        if big + i == float(big + i):
            cnt += 1
    print(cnt)


main()
