# Attribute caches that must be invalidated mid-loop: __class__ assignment, a data descriptor
# added to the class (it then wins over the instance dict), __dict__ replaced, an attribute
# added to a base class, a module attribute rebound.
import math
class Base:
    pass
class P(Base):
    def __init__(self):
        self.v = 1
class Q(Base):
    v = 100

def run():
    out = []
    p = P()
    for i in range(10):
        out.append(p.v)
        if i == 2:
            p.__class__ = Q          # instance dict keeps v = 1, Q has class attr v too
        if i == 4:
            Q.v = property(lambda self: -7)   # data descriptor now beats the instance dict
        if i == 6:
            p.__dict__ = {"v": 55}
            del Q.v
        if i == 8:
            del p.v
            Base.v = "base"
    return out

print(run())
def pis(n):
    out = []
    orig = math.pi
    try:
        for i in range(n):
            out.append(round(math.pi, 3))
            if i == 2:
                math.pi = 3
    finally:
        math.pi = orig
    return out
print(pis(5), round(math.pi, 5))
