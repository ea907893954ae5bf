"""mse_loss and smooth_l1_loss (one kernel and one autograd node each, as in PyTorch) match
Debian's torch 1.13: elementwise losses and gradients bit for bit (reduced losses to rounding), grad_fn names, broadcasting, gradients
to both operands, integer and bad inputs."""
import warnings

import numpy as np
import pytest

import janus
import torch

REDUCTIONS = ["mean", "sum", "none"]


def arrays(dtype, n=1003, seed=3):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * 2).astype(dtype)
    t = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    x[:3] = t[:3] + np.array([0.0, 1.0, -1.0], dtype)  # on and at the smooth_l1 boundaries
    return x, t, g


def run(lib, fn, x, t, g, reduction, target_grad=False, **kw):
    xi = lib.from_numpy(x.copy()).requires_grad_()
    ti = lib.from_numpy(t.copy()).requires_grad_(target_grad)
    loss = getattr(lib.nn.functional, fn)(xi, ti, reduction=reduction, **kw)
    if reduction == "none":
        loss.backward(lib.from_numpy(g.copy()).reshape(loss.shape))
    else:
        loss.backward()
    return (loss.detach().numpy(), xi.grad.numpy(), ti.grad.numpy() if target_grad else None,
            loss.grad_fn.name())


def bits(a):
    return None if a is None else (a.dtype, a.shape, a.tobytes())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fn,kw", [("mse_loss", {}), ("smooth_l1_loss", {}),
                                   ("smooth_l1_loss", {"beta": 0.5}), ("smooth_l1_loss", {"beta": 2.0})],
                         ids=["mse", "smooth_l1", "smooth_l1_b0.5", "smooth_l1_b2"])
def test_loss_and_gradients_bit_for_bit(fn, kw, reduction, dtype):
    x, t, g = arrays(dtype)
    mine = run(janus, fn, x, t, g, reduction, target_grad=True, **kw)
    ref = run(torch, fn, x, t, g, reduction, target_grad=True, **kw)
    assert mine[3] == ref[3]
    for m, r in zip(mine[1:3], ref[1:3]):
        assert bits(m) == bits(r)
    if reduction == "none":
        assert bits(mine[0]) == bits(ref[0])
    else:  # a sum of 1003 terms: Janus and torch add them in different orders
        np.testing.assert_allclose(mine[0], ref[0], rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("beta", [0.3, 1.7])
def test_smooth_l1_other_betas_close(beta):
    x, t, g = arrays(np.float32)
    mine = run(janus, "smooth_l1_loss", x, t, g, "mean", beta=beta)
    ref = run(torch, "smooth_l1_loss", x, t, g, "mean", beta=beta)
    np.testing.assert_allclose(mine[0], ref[0], rtol=1e-6)
    np.testing.assert_allclose(mine[1], ref[1], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fn", ["mse_loss", "smooth_l1_loss"])
def test_broadcasting(fn):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    t = rng.standard_normal((3,)).astype(np.float32)
    out = []
    for lib in (janus, torch):
        xi = lib.from_numpy(x.copy()).requires_grad_()
        ti = lib.from_numpy(t.copy()).requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = getattr(lib.nn.functional, fn)(xi, ti)
        loss.backward()
        out.append((loss.dtype, loss.item(), xi.grad.numpy(), ti.grad.numpy()))
    (md, ml, mx, mt), (rd, rl, rx, rt) = out
    assert str(md) == str(rd) and ml == pytest.approx(rl, rel=1e-6)
    np.testing.assert_allclose(mx, rx, rtol=1e-6)
    np.testing.assert_allclose(mt, rt, rtol=1e-6)


def test_integer_and_bad_inputs_raise_like_torch():
    for lib in (janus, torch):
        with pytest.raises(RuntimeError):
            lib.nn.functional.mse_loss(lib.ones(2, 3), lib.ones(4, 5))
        with pytest.raises(RuntimeError, match="negative values for beta"):
            lib.nn.functional.smooth_l1_loss(lib.ones(2), lib.ones(2), beta=-1.0)
    assert janus.nn.functional.mse_loss(janus.ones(3), janus.zeros(3), reduction="sum").item() == 3.0
