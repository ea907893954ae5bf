"""The tensor runtime's shortcuts for small tensors, against Debian's torch 1.13: the direct loop
for tiny matrix products (OpenBLAS above its threshold), block-copy cat, reductions that skip
the permuted view, torch.tensor of a flat list of floats, and recycled wrapped numbers (Python
scalars in ops). Each case runs on both sides of its shortcut's condition."""
import numpy as np
import pytest

import janus
import torch
from conftest import assert_same


def both(array, dtype="float32", requires_grad=False):
    a = np.asarray(array, dtype=dtype)
    j = janus.tensor(a.ravel().tolist(), dtype=getattr(janus, dtype)).reshape(a.shape).requires_grad_(requires_grad)
    t = torch.tensor(a, requires_grad=requires_grad)
    return j, t


# ---- tiny matrix products ------------------------------------------------------------------
# (M, K, N): under and over the 512 multiply-add threshold, K not a multiple of 4.
# K of 1..4 has its own unrolled loop (contiguous dot operands: paired loads), so those K appear
# with every layout.
GEMM_SHAPES = [(32, 4, 1), (1, 32, 4), (4, 32, 1), (5, 7, 3), (8, 8, 8), (8, 8, 9), (16, 33, 2),
               (32, 1, 4), (6, 2, 5), (7, 3, 2), (9, 4, 3), (3, 6, 2)]


@pytest.mark.parametrize("m,k,n", GEMM_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "mixed"])
def test_mm_matches_torch(m, k, n, dtype, layout):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a_np, b_np = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    if layout == "transposed":  # a and b as transposed views (strides (1, rows))
        ja, ta = both(a_np.T, dtype, requires_grad=True)
        jb, tb = both(b_np.T, dtype, requires_grad=True)
        j_out, t_out = ja.t().mm(jb.t()), ta.t().mm(tb.t())
    elif layout == "mixed":  # rows of a and columns of b both contiguous
        ja, ta = both(a_np, dtype, requires_grad=True)
        jb, tb = both(b_np.T, dtype, requires_grad=True)
        j_out, t_out = ja.mm(jb.t()), ta.mm(tb.t())
    else:
        ja, ta = both(a_np, dtype, requires_grad=True)
        jb, tb = both(b_np, dtype, requires_grad=True)
        j_out, t_out = ja.mm(jb), ta.mm(tb)
    assert_same(j_out, t_out, rtol=1e-5, atol=1e-5)
    j_out.sum().backward()
    t_out.sum().backward()
    assert_same(ja.grad, ta.grad, rtol=1e-5, atol=1e-5)
    assert_same(jb.grad, tb.grad, rtol=1e-5, atol=1e-5)


def tiny_gemm_model(a, b, out_dtype):
    """The tiny GEMM's arithmetic in float64 (the oracle): product k of each dot product goes to
    partial sum k % 4 (the K % 4 last ones to sum 0), in k order, then (s0 + s1) + (s2 + s3),
    rounded once to the output dtype."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    m, k = a.shape
    n = b.shape[1]
    out = np.empty((m, n), out_dtype)
    full = k - k % 4
    for i in range(m):
        for j in range(n):
            s = [0.0, 0.0, 0.0, 0.0]
            for kk in range(k):
                r = kk % 4 if kk < full else 0
                s[r] = float(np.float64(s[r]) + np.float64(a[i, kk]) * np.float64(b[kk, j]))
            out[i, j] = (s[0] + s[1]) + (s[2] + s[3])
    return out


# Row-contiguous b with 2..16 columns takes a loop over whole rows of b (two columns a vector),
# and so does one column from a column-contiguous a (through out^T = b^T a^T): values must be
# the per-output loop's, bit for bit, for odd and even sizes and any K, on both sides.
@pytest.mark.parametrize("m,k,n", [(1, 32, 4), (1, 32, 5), (2, 9, 2), (3, 7, 16), (1, 3, 15), (4, 2, 3), (2, 13, 7),
                                   (4, 32, 1), (5, 9, 1), (16, 6, 1), (17, 5, 1), (2, 3, 1), (3, 2, 17)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("a_transposed", [False, True])
@pytest.mark.parametrize("b_transposed", [False, True])
def test_mm_row_contiguous_b_is_bit_exact(m, k, n, dtype, a_transposed, b_transposed):
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    a_np = rng.standard_normal((m, k)).astype(dtype)
    b_np = rng.standard_normal((k, n)).astype(dtype)
    ja = janus.from_numpy(np.ascontiguousarray(a_np.T)).t() if a_transposed else janus.from_numpy(a_np.copy())
    jb = janus.from_numpy(np.ascontiguousarray(b_np.T)).t() if b_transposed else janus.from_numpy(b_np.copy())
    mine = ja.mm(jb).numpy()
    expected = tiny_gemm_model(a_np, b_np, dtype)
    assert mine.dtype == expected.dtype and np.array_equal(mine.view(np.uint8), expected.view(np.uint8))
    ref = torch.from_numpy(a_np.copy()).mm(torch.from_numpy(b_np.copy())).numpy()
    np.testing.assert_allclose(mine, ref, rtol=1e-5, atol=1e-6)


def test_mm_with_empty_inner_dim_is_zeros():
    assert_same(janus.zeros(3, 0).mm(janus.zeros(0, 2)), torch.zeros(3, 0).mm(torch.zeros(0, 2)), rtol=0, atol=0)


def test_linear_and_addmm_small():
    rng = np.random.default_rng(3)
    jx, tx = both(rng.standard_normal((32, 4)))
    jw, tw = both(rng.standard_normal((1, 4)), requires_grad=True)
    jb, tb = both(rng.standard_normal(1), requires_grad=True)
    j = janus.nn.functional.linear(jx, jw, jb)
    t = torch.nn.functional.linear(tx, tw, tb)
    assert_same(j, t)
    j.pow(2).mean().backward()
    t.pow(2).mean().backward()
    assert_same(jw.grad, tw.grad, rtol=1e-5)
    assert_same(jb.grad, tb.grad, rtol=1e-5)


# nn.Linear's addmm (bias of the product's dtype) is one kernel and one AddmmBackward0 node.
@pytest.mark.parametrize("bias_shape", [(3,), (1,), (5, 3), (1, 3), (5, 1), ()])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_addmm_bias_shapes_match_torch(bias_shape, dtype):
    rng = np.random.default_rng(len(bias_shape) * 7 + sum(bias_shape))
    jx, tx = both(rng.standard_normal((5, 4)), dtype, requires_grad=True)
    jw, tw = both(rng.standard_normal((3, 4)), dtype, requires_grad=True)
    jb, tb = both(rng.standard_normal(bias_shape), dtype, requires_grad=True)
    j = janus.addmm(jb, jx, jw.t())
    t = torch.addmm(tb, tx, tw.t())
    assert j.grad_fn.name() == t.grad_fn.name()
    assert_same(j, t, rtol=1e-6, atol=1e-6)
    weights = np.arange(15, dtype=dtype).reshape(5, 3)
    (j * janus.tensor(weights.ravel().tolist(), dtype=getattr(janus, dtype)).reshape(5, 3)).sum().backward()
    (t * torch.tensor(weights)).sum().backward()
    for a, b in ((jx, tx), (jw, tw), (jb, tb)):
        assert_same(a.grad, b.grad, rtol=1e-6, atol=1e-5)


def test_linear_graph_and_saved_tensors_follow_torch():
    rng = np.random.default_rng(11)
    jx, tx = both(rng.standard_normal((6, 2)))
    jw, tw = both(rng.standard_normal((1, 2)), requires_grad=True)
    jb, tb = both(rng.standard_normal(1), requires_grad=True)
    j, t = janus.nn.functional.linear(jx, jw, jb), torch.nn.functional.linear(tx, tw, tb)
    assert j.grad_fn.name() == t.grad_fn.name() == "AddmmBackward0"
    def names(node):  # torch spells its C++ namespace in AccumulateGrad's name
        return [f and f.name().replace("torch::autograd::", "") for f, _ in node.next_functions]
    assert names(j.grad_fn) == names(t.grad_fn) == ["AccumulateGrad", None, "TBackward0"]
    # The weight is saved only for the input's gradient: changing it in place before backward is
    # an error exactly when the input requires grad, as in torch.
    for x_grad in (False, True):
        for lib, x, w, b in ((janus, jx, jw, jb), (torch, tx, tw, tb)):
            x = x.detach().requires_grad_(x_grad)
            out = lib.nn.functional.linear(x, w, b).sum()
            with lib.no_grad():
                w.mul_(2)
            if x_grad:
                with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                    out.backward()
            else:
                out.backward()
    assert_same(jw.grad, tw.grad, rtol=1e-6)
    # Only the bias needs a gradient: nothing is saved, so a second backward works, as in torch.
    jw.requires_grad_(False)
    tw.requires_grad_(False)
    for lib, x, w, b in ((janus, jx, jw, jb), (torch, tx, tw, tb)):
        out = lib.nn.functional.linear(x, w, b).sum()
        out.backward()
        out.backward()
    assert_same(jb.grad, tb.grad, rtol=1e-6)


def test_addmm_errors_and_fallbacks_match_torch():
    for lib in (janus, torch):
        with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
            lib.addmm(lib.ones(3), lib.ones(2, 3), lib.ones(2, 3))
        with pytest.raises(RuntimeError, match="must match the size|expanded size"):
            lib.addmm(lib.ones(4), lib.ones(2, 3), lib.ones(3, 2))
    # beta/alpha other than 1 and integer operands take the composite path.
    rng = np.random.default_rng(5)
    jb, tb = both(rng.standard_normal((2, 2)))
    jx, tx = both(rng.standard_normal((2, 3)))
    jy, ty = both(rng.standard_normal((3, 2)))
    assert_same(janus.addmm(jb, jx, jy, beta=0.5, alpha=2), torch.addmm(tb, tx, ty, beta=0.5, alpha=2), rtol=1e-6)
    assert_same(janus.addmm(janus.ones(2, 2, dtype=janus.int64), janus.ones(2, 3, dtype=janus.int64),
                            janus.ones(3, 2, dtype=janus.int64)),
                torch.addmm(torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 3, dtype=torch.int64),
                            torch.ones(3, 2, dtype=torch.int64)), rtol=0, atol=0)


def test_mm_errors_unchanged():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        janus.ones(2, 3).mm(janus.ones(2, 3))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        janus.ones(2, 3).mm(janus.ones(3, 2, dtype=janus.float64))


# ---- cat -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_columns_and_rows(dim):
    rng = np.random.default_rng(7)
    parts = [both(rng.standard_normal((6, i + 1)) if dim != 0 else rng.standard_normal((i + 1, 6)),
                  requires_grad=True) for i in range(4)]
    j = janus.cat([p[0] for p in parts], dim)
    t = torch.cat([p[1] for p in parts], dim)
    assert_same(j, t, rtol=0, atol=0)
    weights = np.arange(t.numel(), dtype=np.float32).reshape(tuple(t.shape))
    (j * janus.tensor(weights.tolist())).sum().backward()
    (t * torch.tensor(weights)).sum().backward()
    for (ja, ta) in parts:
        assert_same(ja.grad, ta.grad, rtol=0, atol=0)


def test_cat_mixed_dtypes_views_and_empty():
    rng = np.random.default_rng(8)
    a_np = rng.standard_normal((3, 4))
    ja, ta = both(a_np)
    jb, tb = both(a_np.T.copy(), "float64")
    ji, ti = both([[1, 2], [3, 4], [5, 6]], "int64")
    je, te = janus.tensor([]), torch.tensor([])
    # float32 + a transposed float64 view + int64 + a skipped 1-D empty tensor
    assert_same(janus.cat([ja, jb.t(), ji, je], 1), torch.cat([ta, tb.t(), ti, te], 1), rtol=0, atol=0)
    # 3-D, middle dim, non-contiguous input (a slice with a step)
    j3, t3 = both(rng.standard_normal((2, 5, 3)))
    assert_same(janus.cat([j3, j3[:, ::2], j3], 1), torch.cat([t3, t3[:, ::2], t3], 1), rtol=0, atol=0)


def test_cat_errors_unchanged():
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 1. Expected size 2 "
                                           "but got size 3 for tensor number 1 in the list."):
        janus.cat([janus.ones(2, 1), janus.ones(3, 1)], 1)


# ---- reductions -------------------------------------------------------------------------------
REDUCE_CASES = [((32,), None, False), ((32, 1), None, False), ((4, 8), (1,), False), ((4, 8), (1,), True),
                ((4, 8), (0,), False), ((2, 3, 4), (1, 2), True), ((2, 3, 4), (0, 2), False),
                ((2, 3, 4), (-1,), False), ((3, 0), (1,), False)]


@pytest.mark.parametrize("shape,dims,keepdim", REDUCE_CASES)
@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("transposed", [False, True])
def test_reductions_match_torch(shape, dims, keepdim, op, transposed):
    rng = np.random.default_rng(len(shape))
    data = rng.standard_normal(shape[::-1] if transposed else shape)
    j, t = both(data, requires_grad=True)
    jx, tx = (j.permute(*reversed(range(len(shape)))), t.permute(*reversed(range(len(shape))))) if transposed \
        else (j, t)
    if dims is None:
        jr, tr = getattr(jx, op)(), getattr(tx, op)()
    else:
        jr, tr = getattr(jx, op)(dims, keepdim), getattr(tx, op)(dims, keepdim)
    assert_same(jr, tr, rtol=1e-6)
    if jr.numel():
        (jr * 3).sum().backward()
        (tr * 3).sum().backward()
        assert_same(j.grad, t.grad, rtol=1e-6)


def test_mean_dtype_and_errors():
    j, t = both(np.arange(12.0).reshape(3, 4))
    assert_same(j.mean(dtype=janus.float64), t.mean(dtype=torch.float64))
    assert_same(j.mean(1, True, dtype=janus.float64), t.mean(1, True, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype. Input dtype must be either "
                                           "a floating point or complex dtype. Got: Long"):
        janus.arange(4).mean()


# ---- torch.tensor(list of floats) ---------------------------------------------------------------
@pytest.mark.parametrize("data", [[0.5, -1.25, 3.0], (0.1, 0.2), [], [1.0, 2, 3.5], [1, 2], [True, 1.5],
                                  [[1.0, 2.0], [3.0, 4.0]], [1e40, -1e-46]])
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
def test_tensor_from_flat_data(data, dtype):
    kw_j = {} if dtype is None else {"dtype": getattr(janus, dtype)}
    kw_t = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    if dtype == "int64" and any(abs(x) > 2 ** 62 for x in np.ravel(np.asarray(data, dtype=float))):
        pytest.skip("out-of-range float to int conversion is undefined")
    assert_same(janus.tensor(data, **kw_j), torch.tensor(data, **kw_t), rtol=0, atol=0)


def test_tensor_from_flat_floats_follows_default_dtype():
    janus.set_default_dtype(janus.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert_same(janus.tensor([0.1, 0.2]), torch.tensor([0.1, 0.2]), rtol=0, atol=0)
    finally:
        janus.set_default_dtype(janus.float32)
        torch.set_default_dtype(torch.float32)


# ---- Python numbers in ops (recycled wrapped numbers) ------------------------------------------
def test_python_numbers_saved_for_backward_stay_distinct():
    j, t = both([1.0, -2.0, 3.0], requires_grad=True)
    outs = []
    for x in (j, t):
        y = x * 2.0          # MulBackward0 keeps the 2.0
        z = x * 5.0          # a new Python number of the same dtype while 2.0 is still saved
        w = (x + 1) ** 3     # ints: PowBackward0 keeps the exponent
        v = x / 4 - 0.5
        (y.sum() + z.sum() * 0 + w.sum() + v.sum()).backward()
        outs.append((y, z, w, v, x.grad))
    for a, b in zip(*outs):
        assert_same(a, b)


def test_python_numbers_keep_wrapped_promotion_after_masked_fill():
    # masked_fill turns its value into a plain 0-d tensor; Python numbers met afterwards must
    # still be wrapped numbers (int tensor + 2.5 is float32, not float64).
    for lib in (janus, torch):
        x = lib.zeros(3, dtype=lib.float64)
        x.masked_fill(x == 0, 1.5)
    ji, ti = both([1, 2, 3], "int64")
    assert_same(ji + 2.5, ti + 2.5)
    assert_same(ji * True, ti * True)
    assert_same((ji > 1) + 1, (ti > 1) + 1)
    jd, td = both([1.0, 2.0], "float64")
    assert_same(jd.masked_fill(jd > 1, 7.25), td.masked_fill(td > 1, 7.25))
    assert_same(jd * 0.1, td * 0.1, rtol=0, atol=0)


def test_python_number_results_are_independent():
    j, t = both([1.0, 2.0])
    for _ in range(3):  # each result is its own tensor, whatever was recycled underneath
        ja, jb = j + 1.0, j + 2.0
        ta, tb = t + 1.0, t + 2.0
        ja.add_(10)
        ta.add_(10)
        assert_same(ja, ta)
        assert_same(jb, tb)


@pytest.mark.parametrize("rows", [1, 3, 4, 5, 8, 9])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "bool"])
def test_cat_of_columns_every_row_count(rows, dtype):
    # One element per row of each input: copied four rows at a time, then the rest.
    rng = np.random.default_rng(rows)
    cols = [(rng.standard_normal((rows, 1)) * 10).astype(dtype) for _ in range(3)]
    mine = janus.cat([janus.from_numpy(c.copy()) for c in cols], 1)
    ref = torch.cat([torch.from_numpy(c.copy()) for c in cols], 1)
    assert mine.tolist() == ref.tolist()
    assert str(mine.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
