"""`tensor ** number` and its gradient match Debian's torch 1.13 bit for bit where torch
computes them exactly (pow(Tensor, Scalar): x**2 = x*x, x**3 = x*x*x, x**0.5 = sqrt(x),
x**-0.5 = 1/sqrt(x), x**-1 = 1/x, x**-2 = 1/(x*x); the gradient e * x**(e-1) * grad)."""
import numpy as np
import pytest

import janus
import torch

EXACT = [2, 3, 0.5, -0.5, -1, -2, 1, 0, 2.0, 3.0]


def data(dtype, positive):
    x = np.random.default_rng(7).standard_normal(4099).astype(dtype)
    x[:5] = [0.0, -0.0, 1.0, -1.0, 1e-30]
    return np.abs(x) + 0.1 if positive else x


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint8), b.view(np.uint8))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("e", EXACT, ids=str)
def test_pow_scalar_forward_bit_for_bit(dtype, e):
    x = data(dtype, positive=False)
    mine = (janus.from_numpy(x.copy()) ** e).numpy()
    ref = (torch.from_numpy(x.copy()) ** e).numpy()
    assert same_bits(mine, ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("e", [2, 3, 4, 0.5, -1, 1.5, 0, 1], ids=str)
def test_pow_scalar_gradient_bit_for_bit(dtype, e):
    x = data(dtype, positive=True)
    grads = []
    for lib in (janus, torch):
        t = lib.from_numpy(x.copy()).requires_grad_()
        (t ** e).sum().backward()
        grads.append(t.grad.numpy())
    assert same_bits(*grads)


def test_pow_tensor_exponent_and_integer_base_unchanged():
    x = data(np.float32, positive=True)[:64]
    e = np.full_like(x, 2.5)
    mine = janus.from_numpy(x.copy()) ** janus.from_numpy(e)
    ref = torch.from_numpy(x.copy()) ** torch.from_numpy(e)
    assert np.allclose(mine.numpy(), ref.numpy(), rtol=1e-6, atol=0)
    assert (janus.arange(-5, 6) ** 3).tolist() == (torch.arange(-5, 6) ** 3).tolist()
    assert (janus.arange(1, 6) ** 0.5).dtype == janus.float32


@pytest.mark.parametrize("e", [2, 3, 4, 0.5, 1.5, -1, 0, 1, True, False, 2**40, 1e300], ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pow_number_routes_agree(dtype, e):
    # `x ** number` takes pow(Tensor, Scalar) directly; janus.pow / Tensor.pow wrap the number
    # first. Every route gives the same bits, and torch's dtype and (exact exponents) values.
    x = data(dtype, positive=True)[:37]
    j = janus.from_numpy(x.copy())
    routes = [(j ** e).numpy(), janus.pow(j, e).numpy(), j.pow(e).numpy()]
    assert all(same_bits(r, routes[0]) for r in routes)
    ref = (torch.from_numpy(x.copy()) ** e).numpy()
    assert routes[0].dtype == ref.dtype
    if e in EXACT or isinstance(e, bool) or abs(e) > 2**30:
        assert same_bits(routes[0], ref)
    else:
        assert np.allclose(routes[0], ref, rtol=1e-6, atol=0)


@pytest.mark.parametrize("e", [2, 3, 0.5, True], ids=repr)
def test_pow_number_of_integer_tensor_follows_torch(e):
    mine = janus.arange(0, 6) ** e
    ref = torch.arange(0, 6) ** e
    assert str(mine.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    assert mine.tolist() == ref.tolist()
