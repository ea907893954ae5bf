"""numpy interop (shared memory both ways), repr/str/format against torch 1.13, Python protocols,
storages and set_ (for serialization), subclasses (nn.Parameter-style), Size and dtypes."""
import copy
import math
import pickle

import numpy as np
import pytest

import janus
import torch

from conftest import assert_same


# ---- numpy ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool"])
def test_from_numpy_and_numpy_share_memory(dtype):
    a = (np.arange(6).reshape(2, 3) % 2 if dtype == "bool" else np.arange(6).reshape(2, 3)).astype(dtype)
    t = janus.from_numpy(a)
    assert str(t.dtype) == str(torch.from_numpy(a).dtype)
    assert t.tolist() == a.tolist()
    a[0, 0] = 1
    assert t[0, 0].item() == a[0, 0]
    back = t.numpy()
    assert back.dtype == a.dtype and back.shape == (2, 3)
    t[1, 2] = 0
    assert a[1, 2] == 0 and back[1, 2] == 0


def test_numpy_of_views_and_array_protocol():
    t = janus.arange(12.0).reshape(3, 4).t()[1:]
    a = t.numpy()
    assert a.tolist() == torch.arange(12.0).reshape(3, 4).t()[1:].tolist()
    assert np.asarray(t).strides == a.strides
    assert np.array(janus.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]
    x = janus.from_numpy(np.arange(10.0)[::2])
    assert x.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0] and x.stride() == (2,)
    with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
        janus.from_numpy(np.zeros(2, dtype=np.complex64))
    assert janus.tensor(np.array([[1, 2]])).dtype == janus.int64


def test_numpy_scalars_and_arrays_in_ops():
    x = janus.ones(3)
    assert (x * np.float64(2.0)).tolist() == [2.0, 2.0, 2.0]
    assert (x * np.float64(2.0)).dtype == janus.float32


# ---- printing ------------------------------------------------------------------------------------------
REPRS = [
    lambda lib: lib.tensor([[1.0, 2.5]]),
    lambda lib: lib.tensor(3.0),
    lambda lib: lib.tensor(3.5),
    lambda lib: lib.tensor([1, 2, 3]),
    lambda lib: lib.tensor([True, False]),
    lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64),
    lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    lambda lib: lib.tensor([1e-5, 1.0]),
    lambda lib: lib.tensor([1e10, 1.0]),
    lambda lib: lib.tensor([123456.0, 1.0]),
    lambda lib: lib.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
    lambda lib: lib.tensor([0.0, -0.0]),
    lambda lib: lib.tensor([-1.5, 2.25, 100.0]),
    lambda lib: lib.zeros(0),
    lambda lib: lib.zeros(2, 0),
    lambda lib: lib.zeros(0, dtype=lib.int64),
    lambda lib: lib.arange(30.0).reshape(2, 3, 5) / 7,
    lambda lib: lib.arange(2000.0),
    lambda lib: lib.arange(5000).reshape(50, 100),
    lambda lib: lib.arange(40.0) * 1.5,
    lambda lib: lib.ones(2, requires_grad=True),
    lambda lib: lib.ones(2, requires_grad=True) * 2,
    lambda lib: lib.ones(2, 2, dtype=lib.float64, requires_grad=True).sum(),
    lambda lib: lib.tensor([[1, -2], [300, 4]]),
    lambda lib: lib.tensor(7),
    lambda lib: lib.tensor(True),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_repr_and_str_match_torch(i):
    j, t = REPRS[i](janus), REPRS[i](torch)
    assert repr(j) == repr(t)
    assert str(j) == str(t)


def test_format_and_conversions():
    for lib in (janus, torch):
        x = lib.tensor(2.5)
        assert f"{x:.3f}" == "2.500"
        assert float(x) == 2.5 and int(lib.tensor(3.9)) == 3 and bool(lib.tensor(0.0)) is False
        assert lib.tensor(7).__index__() == 7
        assert lib.tensor([1.5]).item() == 1.5
        assert lib.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert repr(janus.float64) == "torch.float64"
    assert repr(janus.Size([2, 3])) == repr(torch.Size([2, 3]))
    assert janus.ones(2, 3).shape == (2, 3) and janus.ones(2, 3).size(1) == 3 and janus.ones(2, 3).size(-2) == 2
    assert isinstance(janus.ones(2).shape, janus.Size) and janus.ones(2, 3).shape.numel() == 6
    assert janus.device("cpu") == janus.ones(1).device and str(janus.ones(1).device) == "cpu"


def test_hash_is_identity_and_eq_is_elementwise():
    a, b = janus.ones(2), janus.ones(2)
    assert len({a, b, a}) == 2
    assert (a == b).tolist() == [True, True]
    assert (a == "x") is False


# ---- storage, set_, element access for serialization ------------------------------------------------------
def test_untyped_storage_bytes_and_set_():
    t = janus.tensor([[1.0, 2.0], [3.0, 4.0]])
    view = t.t()[1]
    s = t.untyped_storage()
    assert s.nbytes() == len(s) == 16
    assert view.untyped_storage().data_ptr() == s.data_ptr()
    assert view.storage_offset() == 1 and view.element_size() == 4
    raw = bytes(memoryview(s))
    assert raw == torch.tensor([[1.0, 2.0], [3.0, 4.0]]).numpy().tobytes()
    s2 = janus.UntypedStorage.from_buffer(bytearray(raw))
    u = janus.empty(0).set_(s2, 1, (3,), (1,))
    assert u.tolist() == [2.0, 3.0, 4.0]
    w = janus.empty(0, dtype=janus.float32).set_(s2, 0, (2, 2), (1, 2))
    assert w.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 16"):
        janus.empty(0).set_(s2, 2, (3,), (1,))


def test_pickle_and_deepcopy_roundtrip():
    t = janus.arange(6.0).reshape(2, 3)[:, 1:]
    for c in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert c.tolist() == t.tolist() and c.dtype == t.dtype


# ---- subclasses ---------------------------------------------------------------------------------------------
class Param(janus.Tensor):
    def __new__(cls, data, requires_grad=True):
        return janus.Tensor._make_subclass(cls, data, requires_grad)


def test_make_subclass_keeps_class_and_identity():
    p = Param(janus.zeros(3))
    assert type(p) is Param and p.requires_grad and p.is_leaf
    loss = (p * 2).sum()
    loss.backward()
    assert p.grad.tolist() == [2.0, 2.0, 2.0]
    assert p.grad is p.grad
    with janus.no_grad():
        p.add_(1)
    assert type(p) is Param and p.tolist() == [1.0, 1.0, 1.0]
    p.data = janus.ones(4)
    assert type(p) is Param and p.shape == (4,) and p.requires_grad
    p.attr = "kept"
    assert p.attr == "kept"
    assert type(p.data) is janus.Tensor
    assert isinstance(p, janus.Tensor) and janus.is_tensor(p)


def test_new_constructors_and_to():
    x = janus.ones(2, dtype=janus.float64)
    assert x.new_zeros(3).dtype == janus.float64 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0] and x.new_tensor([1, 2]).dtype == janus.float64
    assert x.new_empty(4).shape == (4,)
    assert x.to(janus.float32).dtype == janus.float32 and x.to("cpu") is x
    assert x.to(janus.zeros(1, dtype=janus.int64)).dtype == janus.int64
    assert x.to(device="cpu", dtype=janus.int32).dtype == janus.int32
    assert x.float().dtype == janus.float32 and x.long().dtype == janus.int64 and x.type() == "torch.DoubleTensor"


def test_default_dtype_and_seeds():
    assert janus.get_default_dtype() == janus.float32
    janus.set_default_dtype(janus.float64)
    try:
        assert janus.tensor([1.5]).dtype == janus.float64 and janus.ones(1).dtype == janus.float64
        assert (janus.tensor([1, 2]) * 0.5).dtype == janus.float64
    finally:
        janus.set_default_dtype(janus.float32)
    janus.manual_seed(3)
    a = janus.randn(5)
    janus.manual_seed(3)
    assert janus.randn(5).tolist() == a.tolist()
    assert janus.initial_seed() == 3
    g = janus.Generator().manual_seed(5)
    assert g.initial_seed() == 5
    assert sorted(janus.randperm(10).tolist()) == list(range(10))
    assert math.isfinite(janus.rand(3).sum().item())


@pytest.mark.parametrize("make", ["as_tensor", "tensor"])
def test_numpy_scalars_are_copied_not_aliased(make):
    # A numpy scalar's __array_interface__ points into a temporary array: building many
    # tensors from different scalars must give each its own value (the oracle is torch).
    values = [np.int64(3), np.int64(7), np.float32(2.5), np.float64(-4.25), np.bool_(True),
              np.int32(-11)]
    ours = [getattr(janus, make)(v) for v in values]
    theirs = [getattr(torch, make)(v) for v in values]
    for mine, ref in zip(ours, theirs):
        assert_same(mine, ref)


@pytest.mark.parametrize("value", [np.int64(3), [1, 2], 3, (1.0,)])
def test_from_numpy_rejects_non_arrays_like_torch(value):
    with pytest.raises(TypeError) as ours:
        janus.from_numpy(value)
    with pytest.raises(TypeError) as theirs:
        torch.from_numpy(value)
    assert str(ours.value) == str(theirs.value)
