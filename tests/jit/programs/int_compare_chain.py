# Chained comparisons and mixed int/bool/float comparisons inside a loop.
def classify(n):
    out = []
    for i in range(-n, n):
        if -3 < i <= 2:
            out.append("mid")
        elif i < -3 == False:
            out.append("neg")
        elif 2 < i < 2.5 or i == 3.0:
            out.append("three")
        else:
            out.append(i > 0)
    return out

print(classify(6))
print([a < b < c for a, b, c in [(1, 2, 3), (3, 2, 1), (1, 1, 2), (0, 0.5, 1)]])
