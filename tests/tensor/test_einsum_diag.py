"""torch.einsum, torch.diag and backward(inputs=...) against Debian's torch 1.13: values, float64
gradients, non-contiguous operands, and torch's exception types for bad equations."""
import numpy as np
import pytest

import janus
import torch

RNG = np.random.default_rng(7)


def _pair(shape, noncontig=False):
    v = RNG.standard_normal(shape[::-1] if noncontig else shape)
    j = janus.tensor(v.tolist(), dtype=janus.float64).requires_grad_()
    t = torch.tensor(v).requires_grad_()
    if noncontig:
        perm = tuple(range(len(shape)))[::-1]
        return j, t, j.permute(*perm), t.permute(*perm)
    return j, t, j, t


EQUATIONS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ij->ji", [(3, 5)]),
    ("ijk->", [(2, 3, 4)]),
    ("ijk->j", [(2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 2)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij,ij->i", [(1, 4), (3, 4)]),  # broadcasting a size-1 dim
    ("abc,cd->dba", [(2, 3, 4), (4, 5)]),
]


@pytest.mark.parametrize("noncontig", [False, True])
@pytest.mark.parametrize("equation,shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
def test_einsum_matches_torch(equation, shapes, noncontig):
    pairs = [_pair(s, noncontig and len(s) > 1) for s in shapes]
    got = janus.einsum(equation, *[p[2] for p in pairs])
    want = torch.einsum(equation, *[p[3] for p in pairs])
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(np.array(got.tolist()), want.detach().numpy(), rtol=1e-12, atol=1e-12)
    w = RNG.standard_normal(tuple(want.shape))
    (got * janus.tensor(w.tolist(), dtype=janus.float64)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    for j, t, _, _ in pairs:
        np.testing.assert_allclose(np.array(j.grad.tolist()), t.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_einsum_takes_a_list():
    a = np.ones((2, 3))
    assert janus.einsum("ij->j", [janus.tensor(a.tolist())]).tolist() == torch.einsum("ij->j", [torch.tensor(a)]).tolist()


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(3, 4), (5, 6)]),
    ("ij->k", [(3, 4)]),
    ("ij,jk->ik", [(3, 4)]),
    ("ijk->ij", [(3, 4)]),
    ("ii->i", [(3, 4)]),
    ("i1->i", [(3, 4)]),
])
def test_einsum_errors(equation, shapes):
    with pytest.raises(RuntimeError):
        torch.einsum(equation, *[torch.zeros(s) for s in shapes])
    with pytest.raises(RuntimeError):
        janus.einsum(equation, *[janus.zeros(s) for s in shapes])


@pytest.mark.parametrize("shape,k", [((4,), 0), ((3,), 2), ((3,), -1), ((4, 4), 0), ((3, 5), 1), ((3, 5), -2),
                                     ((5, 3), 3), ((5, 3), -5), ((4, 2), -1)])
def test_diag_matches_torch(shape, k):
    j, t, _, _ = _pair(shape)
    got, want = janus.diag(j, k), torch.diag(t, k)
    assert got.tolist() == want.tolist()
    assert j.diag(k).tolist() == t.diag(k).tolist()
    w = RNG.standard_normal(tuple(want.shape))
    (got * janus.tensor(w.tolist(), dtype=janus.float64)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    assert j.grad.tolist() == t.grad.tolist()


def test_diag_keeps_non_finite_values_on_the_diagonal_only():
    v = [1.0, float("inf"), float("nan")]
    got, want = janus.diag(janus.tensor(v)), torch.diag(torch.tensor(v))
    np.testing.assert_array_equal(np.array(got.tolist()), want.numpy())
    with pytest.raises(RuntimeError):
        janus.diag(janus.zeros(2, 2, 2))
    with pytest.raises(RuntimeError):  # as torch.diag(torch.zeros(5, 3), 4)
        janus.diag(janus.zeros(5, 3), 4)


@pytest.mark.parametrize("create_graph", [False, True])
def test_backward_inputs_accumulates_only_into_inputs(create_graph):
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        c = (a * b).sum() * a.sum()
        c.backward(inputs=[a], create_graph=create_graph)
        first = (a.grad.tolist(), b.grad)
        d = (a * b * b).sum()
        lib.autograd.backward(d, inputs=(a, b))
        return first, a.grad.tolist(), b.grad.tolist()
    assert run(janus) == run(torch)
    with pytest.raises(RuntimeError):
        janus.tensor([1.0], requires_grad=True).sum().backward(inputs=[])
