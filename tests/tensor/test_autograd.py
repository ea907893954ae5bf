"""Eager autograd against torch 1.13: accumulation, retain_graph, freed graphs, no_grad,
version-counter errors, autograd.grad (incl. create_graph), leaves and detach."""
import math

import numpy as np
import pytest

import janus
import torch

from conftest import assert_same


def both(values, requires_grad=True, dtype="float64"):
    return (janus.tensor(values, dtype=getattr(janus, dtype), requires_grad=requires_grad),
            torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=requires_grad))


def test_gradient_accumulates_across_backward_calls():
    for lib, x in zip((janus, torch), both([1.0, 2.0, 3.0])):
        (x * x).sum().backward()
        (x * 3).sum().backward()
    jx, tx = None, None


@pytest.mark.parametrize("expr", [
    lambda lib, x: (x * x).sum(),
    lambda lib, x: (x.exp() / (1 + x * x)).mean(),
    lambda lib, x: lib.tanh(x @ x.t()).sum(),
    lambda lib, x: (x[0] * x[1:].sum(0)).sum(),
    lambda lib, x: x.softmax(1).log().sum() + x.max(),
    lambda lib, x: (x.reshape(-1)[::2] ** 3).sum(),
])
def test_backward_matches_torch(expr):
    rng = np.random.default_rng(0)
    v = rng.standard_normal((3, 4)).tolist()
    jx, tx = both(v)
    expr(janus, jx).backward()
    expr(torch, tx).backward()
    assert_same(jx.grad, tx.grad, rtol=1e-10, atol=1e-12)


def test_accumulation_and_retain_graph():
    grads = []
    for lib, x in zip((janus, torch), both([1.0, -2.0, 0.5])):
        y = (x.sigmoid() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        (x * 2).sum().backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1], rtol=1e-12)


def test_second_backward_without_retain_graph_raises_like_torch():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()


def test_graph_without_saved_tensors_can_run_twice():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        y = (x + 1).sum()
        y.backward()
        y.backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_inplace_modification_of_saved_tensor_raises():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        y = x.exp()
        z = y * 2
        w = y.exp()  # saves y as its output
        with lib.no_grad():
            pass
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            w.sum().backward()
        assert z is not None


def test_inplace_on_leaf_requiring_grad_raises():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
            x.add_(1)
        with lib.no_grad():
            x.add_(1)
        assert x.tolist() == [2.0, 3.0]


def test_inplace_on_nonleaf_keeps_history():
    grads = []
    for lib, x in zip((janus, torch), both([1.0, 2.0, 3.0])):
        y = x * 2
        y.mul_(x)
        y.add_(x)
        y.sum().backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1])


def test_no_grad_enable_grad_and_set_grad_enabled():
    x = janus.ones(2, requires_grad=True)
    with janus.no_grad():
        assert not janus.is_grad_enabled()
        y = x * 2
        with janus.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn.name() == "MulBackward0"

    @janus.no_grad()
    def f(t):
        return t * 3
    assert not f(x).requires_grad
    with janus.set_grad_enabled(False):
        assert not (x * 1).requires_grad
    assert janus.is_grad_enabled()
    janus.set_grad_enabled(False)
    assert not janus.is_grad_enabled()
    janus.set_grad_enabled(True)


def test_autograd_grad_and_create_graph():
    results = []
    for lib, x in zip((janus, torch), both([0.5, -1.5, 2.0])):
        y = (x ** 3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((g, gg))
        assert x.grad is None
    assert_same(results[0][0], results[1][0])
    assert_same(results[0][1], results[1][1])


def test_autograd_grad_of_intermediate_and_unused():
    jx, tx = both([1.0, 2.0])
    for lib, x in ((janus, jx), (torch, tx)):
        h = x * 3
        y = (h * h).sum()
        (gh,) = lib.autograd.grad(y, h, retain_graph=True)
        assert gh.tolist() == (2 * h).tolist()
        unused = lib.ones(1, dtype=lib.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
            lib.autograd.grad(y, [x, unused], retain_graph=True)
        gx, gu = lib.autograd.grad(y, [x, unused], allow_unused=True)
        assert gu is None


def test_backward_needs_scalar_or_gradient():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        y = x * 2
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            y.backward()
        y.backward(lib.tensor([1.0, 10.0], dtype=lib.float64))
        assert x.grad.tolist() == [2.0, 20.0]


def test_backward_on_tensor_without_grad_raises():
    for lib in (janus, torch):
        with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
            lib.ones(2).sum().backward()


def test_detach_data_leaf_and_requires_grad_rules():
    for lib, x in zip((janus, torch), both([1.0, 2.0])):
        y = x * 2
        assert x.is_leaf and not y.is_leaf
        d = y.detach()
        assert d.is_leaf and not d.requires_grad
        assert x.data.requires_grad is False
        with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
            y.requires_grad = False
        with pytest.raises(RuntimeError, match="floating point"):
            lib.tensor([1, 2]).requires_grad_()
        y.detach_()
        assert y.grad_fn is None and not y.requires_grad


def test_grad_fn_names_and_repr():
    x = janus.ones(2, requires_grad=True)
    tx = torch.ones(2, requires_grad=True)
    for f in (lambda a: a + 1, lambda a: a * a, lambda a: a.sum(), lambda a: a.exp(), lambda a: a.view(2, 1),
              lambda a: a.mean(), lambda a: a.relu(), lambda a: a[0], lambda a: a.unsqueeze(0).expand(3, 2)):
        assert f(x).grad_fn.name() == f(tx).grad_fn.name()
    assert repr(x * 2) == repr(tx * 2)


def test_grad_dtype_follows_input_dtype():
    jx, tx = both([1.0, 2.0], dtype="float32")
    for lib, x in ((janus, jx), (torch, tx)):
        (x.double() * lib.tensor([1.0, 3.0], dtype=lib.float64)).sum().backward()
    assert_same(jx.grad, tx.grad)


def test_grad_setter_and_zeroing():
    x = janus.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    assert x.grad is g  # identity is kept
    x.grad = None
    assert x.grad is None
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = janus.ones(3)


def test_hooks_and_retain_grad_match_torch():
    out = []
    for lib, x in zip((janus, torch), both([1.0, -2.0, 3.0])):
        seen = []
        h = x * 2
        h.retain_grad()
        handle = h.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: seen.append(g.tolist()))
        y = (h * h).sum()
        y.backward(retain_graph=True)
        handle.remove()
        y.backward()
        out.append((x.grad.tolist(), h.grad.tolist(), seen, h.retains_grad))
    assert out[0] == out[1]
    for lib in (janus, torch):
        with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
            lib.ones(2).register_hook(lambda g: g)
    x = janus.ones(2, requires_grad=True)
    x.register_hook(lambda g: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        (x * 2).sum().backward()


def test_backward_inside_a_hook_runs_its_own_pass_and_the_outer_one_completes():
    # A hook that differentiates (again) through the same graph and the same leaves: the inner
    # pass reaches nodes the outer one is still counting down, which must come out intact.
    out = []
    for lib, x in zip((janus, torch), both([1.0, -2.0, 3.0])):
        w = lib.tensor([0.5, 0.25, 2.0], requires_grad=True)
        h = x * w
        y = (h * h).sum() + (x * 3).sum()
        inner = []

        def hook(g):
            if inner:  # the inner passes go through h too
                return None
            inner.append(None)
            with lib.enable_grad():
                (gx, gw) = lib.autograd.grad((h * x).sum(), (x, w), retain_graph=True)
                inner.append((gx.tolist(), gw.tolist()))
                (h * 7).sum().backward(retain_graph=True)  # accumulates into x.grad and w.grad
            return g * 2

        h.register_hook(hook)
        y.backward(retain_graph=True)
        first = (x.grad.tolist(), w.grad.tolist())
        y.backward()
        out.append((first, x.grad.tolist(), w.grad.tolist(), inner))
    assert out[0] == out[1]


def test_writes_through_views_are_differentiable():
    grads = []
    for lib, w in zip((janus, torch), both([[0.5, -1.0], [2.0, 0.25]])):
        out = lib.zeros(3, 2, 2, dtype=lib.float64)
        h = lib.ones(2, 2, dtype=lib.float64)
        for t in range(3):
            h = lib.tanh(h @ w)
            out[t] = h  # write into a view of out
        out[1, :, 0] *= 3  # in-place op through a view
        out[:, 1].add_(w[0])
        loss = (out * lib.arange(12.0, dtype=lib.float64).reshape(3, 2, 2)).sum()
        loss.backward()
        grads.append(w.grad)
    assert_same(grads[0], grads[1], rtol=1e-10)
    for lib, w in zip((janus, torch), both([1.0, 2.0])):
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            w[0].mul_(2)


@pytest.mark.parametrize("case", range(5))
def test_binary_cross_entropy_functionals_match_torch(case):
    rng = np.random.default_rng(case)
    x = rng.uniform(0.02, 0.98, (4, 3)) if case < 2 else rng.standard_normal((4, 3)) * 3
    y = (rng.uniform(0, 1, (4, 3)) > 0.5).astype(np.float64)
    w = rng.uniform(0.5, 2, (3,))
    results = []
    for lib in (janus, torch):
        xi = lib.tensor(x.tolist(), dtype=lib.float64, requires_grad=True)
        yi = lib.tensor(y.tolist(), dtype=lib.float64)
        wi = lib.tensor(w.tolist(), dtype=lib.float64)
        F = lib.nn.functional
        if case == 0:
            loss = F.binary_cross_entropy(xi, yi)
        elif case == 1:
            loss = F.binary_cross_entropy(xi, yi, weight=wi, reduction="sum")
        elif case == 2:
            loss = F.binary_cross_entropy_with_logits(xi, yi)
        elif case == 3:
            loss = F.binary_cross_entropy_with_logits(xi, yi, pos_weight=wi, reduction="sum")
        else:
            loss = F.binary_cross_entropy_with_logits(xi, yi, weight=wi, reduction="none").sum()
        loss.backward()
        results.append((loss, xi.grad))
    assert_same(results[0][0], results[1][0], rtol=1e-10)
    assert_same(results[0][1], results[1][1], rtol=1e-10)


@pytest.mark.parametrize("values", [
    [[1., 2., 3.], [0., 2., 3.], [0., 0., 3.]],   # no zero, one zero, two zeros per row
    [[2., 0., 5., 0.5]],
    [[0.]],
    [[-1.5, 2., 0.], [4., -0.25, 3.]],
])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_prod_gradient_with_zeros_matches_torch(values, dim):
    # The gradient of prod is the product of the other entries; prod / x is wrong at zeros.
    results = []
    for lib in (janus, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        y = x.prod() if dim is None else x.prod(dim)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        # Second order: where a slice's gradient does not depend on x (two zeros, one entry)
        # torch returns it without a graph; its derivative is then zero.
        if g.requires_grad:
            (gg,) = lib.autograd.grad((g * g).sum(), x)
        else:
            gg = lib.zeros_like(x)
        results.append((g.detach(), gg))
    (g_mine, gg_mine), (g_ref, gg_ref) = results
    assert_same(g_mine, g_ref)
    assert_same(gg_mine, gg_ref)


@pytest.mark.parametrize("values", [
    [[0., 0., 0.], [3., 4., 0.]],   # a slice whose norm is 0
    [[0.]],
    [[1.5, -2., 0.5]],
    [[0.3, 0.2], [-1., 2.]],
])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": (0, 1)}])
def test_norm_gradient_at_zero_and_second_order_match_torch(values, kwargs):
    # The 2-norm's gradient is 0 where the norm is 0 (the chain rule through sqrt gives NaN),
    # and it stays differentiable (create_graph). Torch 1.13 is the oracle; where torch itself
    # gives NaN at a zero norm (some of its reductions do), Janus gives the subgradient 0.
    results = []
    for lib in (janus, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(x.norm(**kwargs).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        results.append((g.detach().flatten().tolist(), gg.flatten().tolist()))
    for mine, ref in zip(results[0], results[1]):
        for a, b in zip(mine, ref):
            if math.isnan(b):
                assert a == 0.0
            else:
                assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_backward_inside_a_hook_and_repeated_runs_match_torch():
    # The engine reuses its per-run vectors from one backward to the next and gives a run
    # started inside another (here by a hook) vectors of its own.
    def run(lib):
        w = lib.tensor([1.5, -2.0, 0.5], requires_grad=True)
        v = lib.tensor([0.25, 3.0], requires_grad=True)
        inner = []

        def hook(g):
            with lib.enable_grad():
                u = (v * v * 3).sum()
                inner.append(lib.autograd.grad(u, v)[0].tolist())
                (v * 2).sum().backward()
            return g * 2
        out = []
        for step in range(3):
            h = w * w
            h.register_hook(hook)
            loss = (h * lib.tensor([1.0, 2.0, 3.0])).sum() + (w.sum() * 0.5) ** 2
            loss.backward()
            out.append(w.grad.tolist())
        return out, inner, v.grad.tolist()
    assert run(janus) == run(torch)
