"""The device autograd layer's cases (gpu/device_autograd.h), shared by test_fake_device.py (a
fake cuda:0 with the CPU's kernels, runs everywhere) and test_cuda_autograd.py (a real GPU).
Each case runs on the CPU in float64 and on the device in float64 from the same inputs: the
outputs and the gradient of every input must agree (the device's backward formulas are
their own code, not the CPU's)."""
import janus as torch

F = torch.nn.functional


def _pos(t):
    return t.abs() + 0.5


def _index():
    return torch.tensor([2, 0, 2, 1])


# name: (fn(*inputs), input shapes, transform of the raw randn inputs or None)
CASES = {
    "add alpha": (lambda a, b: torch.add(a, b, alpha=2.5), [(4, 5), (4, 5)], None),
    "add broadcast": (lambda a, b: a + b, [(4, 1), (1, 5)], None),
    "sub": (lambda a, b: a - b, [(3, 4, 5), (5,)], None),
    "rsub": (lambda a, b: torch.rsub(a, b, alpha=3), [(4, 5), (4, 5)], None),
    "mul": (lambda a, b: a * b, [(3, 4, 5), (4, 1)], None),
    "mul number": (lambda a: a * 3.0 - 1, [(4, 5)], None),
    "div": (lambda a, b: a / b, [(4, 5), (5,)], [None, _pos]),
    "pow tensors": (lambda a, b: torch.pow(a, b), [(4, 5), (4, 5)], [_pos, None]),
    "pow number": (lambda a: a ** 3, [(4, 5)], None),
    "pow sqrt": (lambda a: a ** 0.5, [(4, 5)], [_pos]),
    "neg": (lambda a: -a, [(4, 5)], None),
    "abs": (lambda a: a.abs(), [(4, 5)], None),
    "relu": (lambda a: torch.relu(a), [(4, 5)], None),
    "exp": (lambda a: a.exp(), [(4, 5)], None),
    "log": (lambda a: a.log(), [(4, 5)], [_pos]),
    "sqrt": (lambda a: a.sqrt(), [(4, 5)], [_pos]),
    "rsqrt": (lambda a: a.rsqrt(), [(4, 5)], [_pos]),
    "reciprocal": (lambda a: a.reciprocal(), [(4, 5)], [_pos]),
    "sin": (lambda a: a.sin(), [(4, 5)], None),
    "cos": (lambda a: a.cos(), [(4, 5)], None),
    "tanh": (lambda a: torch.tanh(a), [(4, 5)], None),
    "sigmoid": (lambda a: torch.sigmoid(a), [(4, 5)], None),
    "clamp": (lambda a: torch.clamp(a, min=-0.5, max=0.7), [(4, 5)], None),
    "sum": (lambda a: a.sum(), [(4, 5)], None),
    "sum dim": (lambda a: a.sum(1), [(3, 4, 5)], None),
    "sum dims keepdim": (lambda a: a.sum((0, 2), keepdim=True), [(3, 4, 5)], None),
    "mean": (lambda a: a.mean(), [(4, 5)], None),
    "mean dim": (lambda a: a.mean(-1), [(3, 4, 5)], None),
    "softmax": (lambda a: torch.softmax(a, 1), [(4, 5)], None),
    "log_softmax": (lambda a: torch.log_softmax(a, 0), [(4, 5)], None),
    "norm": (lambda a: a.norm(), [(4, 5)], None),
    "dot": (lambda a, b: torch.dot(a, b), [(6,), (6,)], None),
    "mm": (lambda a, b: a.mm(b), [(4, 3), (3, 5)], None),
    "mm transposed": (lambda a, b: a.t().mm(b), [(3, 4), (3, 5)], None),
    "addmm": (lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2), [(5,), (4, 3), (3, 5)], None),
    "bmm": (lambda a, b: torch.bmm(a, b), [(2, 4, 3), (2, 3, 5)], None),
    "matmul 3-D @ 2-D": (lambda a, b: a @ b, [(2, 4, 3), (3, 5)], None),
    "linear": (lambda x, w, b: F.linear(x, w, b), [(4, 3), (5, 3), (5,)], None),
    "linear 3-D no bias": (lambda x, w: F.linear(x, w), [(2, 4, 3), (5, 3)], None),
    "cat": (lambda a, b: torch.cat([a, b], 1), [(4, 2), (4, 3)], None),
    "stack": (lambda a, b: torch.stack([a, b], 0), [(4, 3), (4, 3)], None),
    "reshape transposed": (lambda a: a.t().reshape(-1), [(4, 3)], None),
    "view": (lambda a: a.view(2, 6), [(4, 3)], None),
    "transpose permute": (lambda a: a.transpose(0, 2).permute(1, 0, 2), [(2, 3, 4)], None),
    "unsqueeze squeeze": (lambda a: a.unsqueeze(1).squeeze(), [(4, 3)], None),
    "select narrow": (lambda a: a.select(1, 2).narrow(0, 1, 2), [(4, 3)], None),
    "expand": (lambda a: a.expand(3, 4, 5), [(4, 1)], None),
    "view of an expanded tensor": (lambda a: a.expand(3, 4)[1] * 2 + a.expand(2, 4).t()[0].sum(), [(4,)], None),
    "chunk": (lambda a: torch.cat([c * (i + 1) for i, c in enumerate(a.chunk(3, 1))], 0), [(2, 6)], None),
    "split": (lambda a: torch.cat([c * (i + 1) for i, c in enumerate(a.split(2, 0))], 0), [(5, 3)], None),
    "index_select": (lambda a: a.index_select(0, _index().to(a.device)), [(3, 4)], None),
    "index_select dim 1": (lambda a: a.index_select(1, _index().to(a.device)), [(2, 3)], None),
    "getitem": (lambda a: a[1] * 2 + a[:, 1:3].sum(1)[0] + a[None, ..., 0].sum(), [(4, 3)], None),
    "getitem tensor": (lambda a: a[_index().to(a.device)], [(3, 4)], None),
    "embedding": (lambda w: F.embedding(torch.tensor([[0, 3], [3, 1]]).to(w.device), w), [(4, 3)], None),
    "nll_loss": (lambda a: F.nll_loss(torch.log_softmax(a, 1), torch.tensor([1, 0, 4, 1]).to(a.device)),
                 [(4, 5)], None),
    "nll_loss sum ignore": (lambda a: F.nll_loss(a, torch.tensor([1, -100, 4, 1]).to(a.device), reduction="sum"),
                            [(4, 5)], None),
    "cross_entropy": (lambda a: F.cross_entropy(a, torch.tensor([1, 0, 4, 2]).to(a.device)), [(4, 5)], None),
    "cross_entropy none": (lambda a: F.cross_entropy(a, torch.tensor([3, 0]).to(a.device), reduction="none"),
                           [(2, 5)], None),
    "mse_loss": (lambda a, b: F.mse_loss(a, b), [(4, 5), (4, 5)], None),
    "smooth_l1_loss": (lambda a, b: F.smooth_l1_loss(a, b), [(4, 5), (4, 5)], None),
    "smooth_l1_loss beta": (lambda a, b: F.smooth_l1_loss(a, b, beta=0.5, reduction="sum"), [(4, 5), (4, 5)], None),
    "l1 via smooth beta 0": (lambda a, b: F.smooth_l1_loss(a, b, beta=0.0), [(4, 5), (4, 5)], None),
    "to float32 and back": (lambda a: (a.float() * 2).double(), [(4, 5)], None),
}


def inputs(shapes, transforms, seed):
    torch.manual_seed(seed)
    out = []
    for i, s in enumerate(shapes):
        t = torch.randn(*s, dtype=torch.float64)
        f = transforms[i] if transforms else None
        out.append(f(t) if f else t)
    return out


def run_case(name, device, seed=0):
    """(output, [grad of each input]) of case `name` on `device`, as CPU float64 tensors."""
    fn, shapes, transforms = CASES[name]
    ins = [t.to(device).requires_grad_(True) for t in inputs(shapes, transforms, seed)]
    out = fn(*ins)
    torch.manual_seed(seed + 1)
    weight = torch.randn(*out.shape, dtype=torch.float64).to(device)
    (out * weight).sum().backward()
    for t in ins:
        assert t.grad is not None and t.grad.device == t.device, (name, t.grad)
    return out.detach().cpu(), [t.grad.cpu() for t in ins]


def check_case(name, device):
    want_out, want_grads = run_case(name, "cpu")
    got_out, got_grads = run_case(name, device)
    assert tuple(got_out.shape) == tuple(want_out.shape), name
    assert torch.allclose(got_out, want_out, rtol=1e-10, atol=1e-10), (name, got_out, want_out)
    for i, (g, w) in enumerate(zip(got_grads, want_grads)):
        assert tuple(g.shape) == tuple(w.shape), (name, i)
        assert torch.allclose(g, w, rtol=1e-10, atol=1e-10), (name, i, g, w)


def adam_like_update(device):
    """The optimizers' in-place ops under no_grad, as torch.optim.Adam runs them."""
    torch.manual_seed(3)
    p, g = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)
    p, g = p.to(device).requires_grad_(True), g.to(device)
    m, v = torch.zeros_like(p), torch.zeros_like(p)
    step = torch.tensor(0.0).to(device)
    with torch.no_grad():
        for _ in range(3):
            step += 1
            m.mul_(0.9).add_(g, alpha=0.1)
            v.mul_(0.999).addcmul_(g, g, value=0.001)
            denom = (v.sqrt() / 0.7).add_(1e-8)
            p.addcdiv_(m, denom, value=-0.01)
            p.sub_(g * 0.001, alpha=2).div_(torch.tensor(1.0001).to(device)).clamp_(-3, 3)
    return p.detach().cpu(), step.item()
