"""Tensor indexing against torch 1.13: ints, slices with steps, None, Ellipsis, integer and
boolean tensors and lists, mixed; __setitem__ with scalars and tensors; views share memory."""
import numpy as np
import pytest

import janus
import torch

from conftest import assert_same

DATA = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)


def make():
    return janus.tensor(DATA.tolist()), torch.tensor(DATA)


def idx(lib, spec):
    """Index specs use tensors from either library: callables receive lib."""
    return spec(lib) if callable(spec) else spec


GET = [
    0, -1, (1, 2), (1, -1, 3, 4), slice(None), slice(1, None), (slice(None), 1), (slice(None, None, 2),),
    (slice(None), slice(None, None, 2), slice(1, 4, 2)), (slice(-3, -1), 0), (None, 1), (1, None, 2, None),
    (Ellipsis, 1), (0, Ellipsis, slice(None, 2)), (Ellipsis,), (slice(5, 10),), (slice(None), slice(2, 1)),
    lambda lib: lib.tensor([1, 0, 1]),
    lambda lib: (slice(None), lib.tensor([2, 0])),
    lambda lib: (lib.tensor([0, 1]), lib.tensor([2, 1])),
    lambda lib: (lib.tensor([[0], [1]]), slice(None), lib.tensor([3, 1, 2])),
    lambda lib: (0, slice(None), lib.tensor([1, 1])),
    lambda lib: (lib.tensor([1, 0]), slice(None), slice(None), lib.tensor([4, 0])),
    lambda lib: (Ellipsis, lib.tensor([0, 4])),
    lambda lib: lib.tensor([True, False]),
    lambda lib: (slice(None), lib.tensor([True, False, True])),
    lambda lib: (lib.tensor(DATA[:, :, 0, 0].tolist()) > 20),
    [1, 0],
    ([0, 1], [1, 2]),
    (slice(None), [0, 2], slice(1, 3)),
    lambda lib: lib.tensor(1),
]


@pytest.mark.parametrize("spec", range(len(GET)))
def test_getitem_matches_torch(spec):
    j, t = make()
    assert_same(j[idx(janus, GET[spec])], t[idx(torch, GET[spec])])


def test_basic_indexing_returns_views_sharing_memory():
    j = janus.zeros(3, 4)
    v = j[1:, ::2]
    v += 1
    row = j[0]
    row[1] = 5
    t = torch.zeros(3, 4)
    tv = t[1:, ::2]
    tv += 1
    t[0][1] = 5
    assert_same(j, t)
    assert j[1].untyped_storage().data_ptr() == j.untyped_storage().data_ptr()


SET = [
    (0, 1.5), ((1, 2), -3), ((slice(None), 1), 7), ((Ellipsis, slice(0, 2)), 0.25),
    (lambda lib: lib.tensor([0, 2]), 9),
    (lambda lib: (lib.tensor([0, 1]), lib.tensor([3, 2])), 4),
    (lambda lib: lib.tensor([[True, False, True, False]] * 3), -1),
    ((slice(None), slice(None, None, 2)), lambda lib: lib.tensor([1.0, 2.0])),
    (1, lambda lib: lib.arange(4.0)),
    (lambda lib: lib.tensor([2, 0]), lambda lib: lib.tensor([[1.0, 2, 3, 4], [5, 6, 7, 8]])),
    (lambda lib: (slice(None), lib.tensor([1, 3])), lambda lib: lib.tensor([[1.0], [2.0], [3.0]])),
]


@pytest.mark.parametrize("spec", range(len(SET)))
def test_setitem_matches_torch(spec):
    index, value = SET[spec]
    out = []
    for lib in (janus, torch):
        x = lib.arange(12.0).reshape(3, 4)
        x[idx(lib, index)] = idx(lib, value)
        out.append(x)
    assert_same(out[0], out[1])


def test_setitem_on_int_tensor_casts_value():
    j = janus.zeros(3, dtype=janus.int64)
    t = torch.zeros(3, dtype=torch.int64)
    j[1] = 2.7
    t[1] = 2.7
    assert_same(j, t)


def test_index_errors_match_torch():
    for lib in (janus, torch):
        x = lib.zeros(3, 4)
        with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
            x[5]
        with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 4"):
            x[0, 7]
        with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
            x[0, 0, 0]
        with pytest.raises(IndexError, match="out of bounds"):
            x[lib.tensor([0, 3])]
        with pytest.raises(IndexError):
            x[lib.tensor([1.0])]
        with pytest.raises(IndexError, match="shape of the mask"):
            x[lib.tensor([True, False])]
        with pytest.raises(ValueError, match="step must be greater than zero"):
            x[::-1]
        with pytest.raises(TypeError, match="invalid data type 'str'"):
            x["a"]


def test_len_iter_and_index_of_scalar():
    j, t = make()
    assert len(j) == len(t) == 2
    assert [r.shape for r in j] == [tuple(r.shape) for r in t]
    assert [1, 2, 3][janus.tensor(1)] == 2
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(janus.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(janus.tensor(1.0))
