"""Every CUDA op against the CPU in float64: the inputs are drawn on the CPU, copied to the
device, the op runs there, and its result (copied back) must match the same op on float64
CPU copies of the inputs within float32's tolerance. Skips when there is no device."""
import pytest

import janus as torch

pytestmark = pytest.mark.needs_device
DEV = "cuda"


def close(got, want, rtol=1e-5, atol=1e-5, dtype=None):
    """got: a CUDA result; want: the float64 CPU result (or the exact CPU result for ints/bools)."""
    assert got.is_cuda, got.device
    host = got.cpu()
    assert tuple(host.shape) == tuple(want.shape)
    if dtype is not None:
        assert host.dtype == dtype
    if host.dtype in (torch.bool, torch.int64, torch.int32):
        assert torch.equal(host, want.to(host.dtype)), (host, want)
    else:
        assert torch.allclose(host.double(), want.double(), rtol=rtol, atol=atol, equal_nan=True), (host, want)


def inputs(*shapes, positive=False, seed=0):
    torch.manual_seed(seed)
    out = []
    for s in shapes:
        t = torch.rand(*s) + 0.5 if positive else torch.randn(*s)
        out.append(t)
    return out


def dev(*ts):
    return [t.to(DEV) for t in ts]


BINARY = {
    "add": lambda a, b: torch.add(a, b, alpha=2),
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: torch.rsub(a, b, alpha=3),
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "pow": lambda a, b: torch.pow(a.abs() + 0.5, b),
}
COMPARE = {"eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
SHAPES = [((4, 5), (4, 5)), ((4, 1), (1, 5)), ((3, 4, 5), (5,)), ((), (3, 2)), ((6,), ())]


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPES)
def test_binary(name, shapes):
    a, b = inputs(*shapes)
    close(BINARY[name](*dev(a, b)), BINARY[name](a.double(), b.double()), dtype=torch.float32)


@pytest.mark.parametrize("name", sorted(COMPARE))
def test_compare(name):
    a, b = inputs((5, 6), (6,))
    b[0] = a[0, 0]  # some equal elements
    close(COMPARE[name](*dev(a, b)), COMPARE[name](a, b), dtype=torch.bool)


def test_binary_strided_and_promoted():
    a, b = inputs((6, 4), (4, 6))
    close(dev(a)[0].t() + dev(b)[0], a.t().double() + b.double())         # transposed operand
    close(dev(a)[0][:, ::2] * 3, a[:, ::2].double() * 3)                   # sliced, Python number
    i = torch.arange(24).view(6, 4)
    close(i.to(DEV) * 2, i * 2, dtype=torch.int64)                          # integers stay exact
    close(i.to(DEV) / 4, i.double() / 4, dtype=torch.float32)               # true division
    close(i.to(DEV) + dev(a)[0], i.double() + a.double(), dtype=torch.float32)  # promotion
    d = a.double()
    close(dev(d)[0] * dev(a)[0], d * a.double(), rtol=1e-12, atol=1e-12, dtype=torch.float64)


UNARY = {
    "neg": (torch.neg, False), "abs": (torch.abs, False), "relu": (torch.relu, False),
    "exp": (torch.exp, False), "log": (torch.log, True), "sqrt": (torch.sqrt, True),
    "rsqrt": (torch.rsqrt, True), "reciprocal": (torch.reciprocal, True), "sin": (torch.sin, False),
    "cos": (torch.cos, False), "tanh": (torch.tanh, False), "sigmoid": (torch.sigmoid, False),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    fn, positive = UNARY[name]
    (a,) = inputs((7, 9), positive=positive)
    close(fn(dev(a)[0]), fn(a.double()), dtype=torch.float32)
    close(fn(dev(a)[0].t()), fn(a.t().double()))  # non-contiguous input


def test_unary_on_integers_computes_in_float():
    i = torch.arange(1, 7)
    close(torch.exp(i.to(DEV)), torch.exp(i.double()), dtype=torch.float32)
    close(-i.to(DEV), -i, dtype=torch.int64)


REDUCE = {
    "sum": lambda t: t.sum(), "sum_dim": lambda t: t.sum(1), "sum_dims_keepdim": lambda t: t.sum((0, 2), keepdim=True),
    "mean": lambda t: t.mean(), "mean_dim": lambda t: t.mean(-1), "max": lambda t: t.max(), "min": lambda t: t.min(),
    "amax": lambda t: torch.amax(t, 1), "amin": lambda t: torch.amin(t, (0, 1)),
}


@pytest.mark.parametrize("name", sorted(REDUCE))
@pytest.mark.parametrize("shape", [(3, 5, 7), (2, 300, 4), (1, 1, 1)])
def test_reduce(name, shape):
    (a,) = inputs(shape)
    close(REDUCE[name](dev(a)[0]), REDUCE[name](a.double()), rtol=1e-5, atol=1e-4)
    close(REDUCE[name](dev(a)[0].transpose(0, 2)), REDUCE[name](a.double().transpose(0, 2)), rtol=1e-5, atol=1e-4)


def test_reduce_large_and_integer():
    (a,) = inputs((1 << 20,))
    close(dev(a)[0].sum(), a.double().sum(), rtol=1e-4, atol=1e-2)
    i = torch.arange(1000, dtype=torch.int32)
    close(i.to(DEV).sum(), i.sum(), dtype=torch.int64)
    close(torch.zeros(0).to(DEV).sum(), torch.zeros(0).double().sum())


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax(log, dim):
    (a,) = inputs((6, 300))
    a = a * 10
    fn = torch.log_softmax if log else torch.softmax
    close(fn(dev(a)[0], dim), fn(a.double(), dim), rtol=1e-5, atol=1e-5, dtype=torch.float32)
    close(fn(dev(a)[0].t(), dim), fn(a.double().t(), dim), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("m,k,n", [(3, 4, 5), (64, 128, 32), (1, 1, 1), (5, 0, 3)])
def test_mm_addmm_bmm(m, k, n):
    a, b, c = inputs((m, k), (k, n), (n,))
    close(torch.mm(*dev(a, b)), torch.mm(a.double(), b.double()), rtol=1e-4, atol=1e-4)
    close(dev(a)[0] @ dev(b)[0], a.double() @ b.double(), rtol=1e-4, atol=1e-4)
    close(torch.addmm(*dev(c, a, b), beta=0.5, alpha=2), torch.addmm(c.double(), a.double(), b.double(), beta=0.5,
                                                                     alpha=2), rtol=1e-4, atol=1e-4)
    close(torch.mm(dev(b)[0].t(), dev(a)[0].t()), b.double().t() @ a.double().t(), rtol=1e-4, atol=1e-4)
    x, y = inputs((3, m, k), (3, k, n))
    close(torch.bmm(*dev(x, y)), torch.bmm(x.double(), y.double()), rtol=1e-4, atol=1e-4)


def test_tf32_is_off_by_default():
    assert torch.backends.cuda.matmul.allow_tf32 is False
    a, b = inputs((256, 256), (256, 256))
    got = (dev(a)[0] @ dev(b)[0]).cpu().double()
    want = a.double() @ b.double()
    # float32 accumulation: ~1e-6 relative; TF32's 10-bit mantissa would be ~1e-3.
    assert ((got - want).abs().max() / want.abs().max()).item() < 1e-4


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int32, torch.bool])
def test_copies_round_trip(dtype):
    t = (torch.randn(5, 7) * 10).to(dtype)
    d = t.to(DEV)
    assert d.device == torch.device("cuda", 0) and d.dtype == dtype and d.is_cuda
    assert torch.equal(d.cpu(), t)
    assert torch.equal(t.t().cuda().cpu(), t.t())          # non-contiguous host source
    assert torch.equal(d.t().contiguous().cpu(), t.t())    # strided device copy
    assert torch.equal(d.clone().cpu(), t)
    assert torch.equal(d.to(torch.float64).cpu(), t.to(torch.float64))
    assert d.tolist() == t.tolist()


def test_fill_zero_copy_and_factories():
    z = torch.zeros(3, 4, device=DEV)
    assert z.is_cuda and torch.equal(z.cpu(), torch.zeros(3, 4))
    z.fill_(2.5)
    assert torch.equal(z.cpu(), torch.full((3, 4), 2.5))
    z.zero_()
    src = torch.arange(4.0)
    z.copy_(src)  # host -> device, broadcast
    assert torch.equal(z.cpu(), src.expand(3, 4))
    host = torch.empty(3, 4)
    host.copy_(z)  # device -> host
    assert torch.equal(host, src.expand(3, 4))
    t = torch.tensor([[1, 2], [3, 4]], device="cuda:0")
    assert t.device == torch.device("cuda:0") and t.sum().item() == 10
    assert "device='cuda:0'" in repr(t)


def test_views_on_device():
    (a,) = inputs((4, 6))
    d = dev(a)[0]
    for f in (lambda t: t.view(6, 4), lambda t: t.t(), lambda t: t.permute(1, 0), lambda t: t[1],
              lambda t: t.unsqueeze(0).expand(3, 4, 6), lambda t: t.narrow(1, 2, 3)):
        close(f(d) * 1, f(a.double()))


def test_errors_on_device():
    a = torch.ones(3, device=DEV)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + torch.ones(3)
    with pytest.raises(NotImplementedError, match="cumsum.*cuda"):
        torch.cumsum(a, 0)
    with pytest.raises(NotImplementedError, match="autograd"):
        torch.ones(3, device=DEV).requires_grad_() * 2
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        torch.mm(torch.ones(2, 3, device=DEV), torch.ones(2, 3, device=DEV))


def test_memory_stats_and_out_of_memory():
    torch.cuda.synchronize()
    base = torch.cuda.memory_allocated()
    t = torch.empty(1 << 20, device=DEV)  # 4 MiB
    assert torch.cuda.memory_allocated() == base + (4 << 20)
    assert torch.cuda.max_memory_allocated() >= base + (4 << 20)
    assert torch.cuda.memory_reserved() >= torch.cuda.memory_allocated()
    del t
    assert torch.cuda.memory_allocated() == base
    with pytest.raises(torch.cuda.OutOfMemoryError, match="CUDA out of memory"):
        torch.empty(1 << 48, dtype=torch.uint8 if hasattr(torch, "uint8") else torch.bool, device=DEV)
    # the process keeps working after the failure
    assert torch.equal((torch.ones(2, device=DEV) * 2).cpu(), torch.full((2,), 2.0))
    torch.cuda.empty_cache()


def test_python_numbers_by_value_and_by_copy():
    # A number a double holds exactly rides in the kernel's arguments; a bigger int64 is copied.
    i = torch.arange(6).view(2, 3)
    big = 2 ** 60 + 1
    close(i.to(DEV) + big, i + big, dtype=torch.int64)
    close(big - i.to(DEV), big - i, dtype=torch.int64)
    close(i.to(DEV) * True, i * True, dtype=torch.int64)
    a, = inputs((3, 4))
    close(2.5 - dev(a)[0], 2.5 - a.double(), dtype=torch.float32)
    close(dev(a)[0] / torch.tensor(4.0, dtype=torch.float64), a.double() / 4, dtype=torch.float32)
