# Inlining: f(*args) and o.m(*args, **{}) of Python functions and bound methods (the tuple
# unpacked with its length guarded, an empty dict guarded), nn.Module.__call__'s
# self.forward(*args, **kwargs), a method rebound mid-loop, a C callee, a wrong arity.
class M:
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)
    def forward(self, x, y=2):
        return x * y
class N(M):
    def forward(self, x):
        return -x
def call_all(fs, *a):
    return [f(*a) for f in fs]
def kw(**k):
    return sorted(k)
m, n = M(), N()
out = []
for i in range(300):
    out.append((m(i), m(i, 3), n(i), call_all([abs, str], -i), kw(**{}), kw(**{"a": i})))
    if i == 200:
        M.forward = lambda self, x, y=5: x + y
print(out[-1], out[150], len(out))
def bad(a):
    return a
try:
    for i in range(50):
        bad(*(i,) * (1 + (i == 40)))
except TypeError as e:
    print(e)
args = (1, 2)
print([divmod(*args) for _ in range(3)])
