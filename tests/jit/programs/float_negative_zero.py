# -0.0 must survive unboxing/boxing: its sign shows in repr, copysign and atan2.
import math
def signs(n):
    out = []
    z = 0.0
    for i in range(n):
        z = -z
        out.append((repr(z), math.copysign(1.0, z), math.atan2(z, -1.0)))
    return out

for row in signs(4):
    print(row)
x = -1.0
for i in range(3):
    x *= 0.0
print(x, repr(x * -1), -0.0 == 0.0, repr(0.0 * -5), repr(-0.0 + 0.0), repr(-0.0 - 0.0))
