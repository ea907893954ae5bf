"""janus.utils.data against torch.utils.data: datasets, batching, collation, splitting."""
from collections import namedtuple

import numpy as np
import pytest

import janus
import janus.utils.data as jdata
import torch
import torch.utils.data as tdata

from conftest import to_numpy


def plain(batch):
    """A collated batch as nested Python lists/dicts of numpy arrays, for comparison."""
    if isinstance(batch, (janus.Tensor, torch.Tensor)):
        return ("tensor", str(batch.dtype).split(".")[-1], to_numpy(batch).tolist())
    if isinstance(batch, dict):
        return {k: plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [plain(b) for b in batch])
    return batch


def tensor_dataset(lib, n=10):
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    y = lib.arange(n)
    return lib.utils.data.TensorDataset(x, y) if lib is torch else jdata.TensorDataset(x, y)


@pytest.mark.parametrize("batch_size,drop_last", [(3, False), (3, True), (5, False), (1, False)])
def test_sequential_batches_match_torch(batch_size, drop_last):
    lj = jdata.DataLoader(tensor_dataset(janus), batch_size=batch_size, drop_last=drop_last)
    lt = tdata.DataLoader(tensor_dataset(torch), batch_size=batch_size, drop_last=drop_last)
    assert len(lj) == len(lt)
    assert [plain(b) for b in lj] == [plain(b) for b in lt]


Point = namedtuple("Point", ["x", "y"])


@pytest.mark.parametrize("samples", [
    [1, 2, 3],
    [1.5, 2.5],
    [True, False],
    ["a", "b"],
    [(1, 2.0), (3, 4.0)],
    [[1, 2], [3, 4]],
    [{"a": 1, "b": (2.0, "s")}, {"a": 3, "b": (4.0, "t")}],
    [Point(1, 2), Point(3, 4)],
    [np.arange(3, dtype=np.float32), np.ones(3, dtype=np.float32)],
    [np.int64(3), np.int64(4)],
])
def test_default_collate_matches_torch(samples):
    assert plain(jdata.default_collate(samples)) == plain(tdata.default_collate(samples))


def test_collate_tensors_stacks():
    batch = jdata.default_collate([janus.ones(2), janus.zeros(2)])
    assert tuple(batch.shape) == (2, 2)


def test_collate_errors_like_torch():
    for collate in (jdata.default_collate, tdata.default_collate):
        with pytest.raises(RuntimeError, match="each element in list of batch should be of "
                                               "equal size"):
            collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        jdata.default_collate([object(), object()])


def test_shuffle_is_a_permutation_each_epoch():
    loader = jdata.DataLoader(list(range(20)), batch_size=4, shuffle=True)
    for _ in range(2):
        seen = [int(v) for b in loader for v in to_numpy(b).tolist()]
        assert sorted(seen) == list(range(20))


def test_shuffle_with_generator_is_reproducible():
    def order():
        g = janus.Generator()
        g.manual_seed(7)
        loader = jdata.DataLoader(list(range(12)), batch_size=12, shuffle=True, generator=g)
        return to_numpy(next(iter(loader))).tolist()
    assert order() == order()


def test_dict_dataset_and_custom_collate():
    data = [{"x": float(i), "y": i} for i in range(5)]
    lj = list(jdata.DataLoader(data, batch_size=2))
    lt = list(tdata.DataLoader(data, batch_size=2))
    assert [plain(b) for b in lj] == [plain(b) for b in lt]
    lens = list(jdata.DataLoader(data, batch_size=2, collate_fn=len))
    assert lens == [2, 2, 1]


def test_batch_size_none_disables_batching():
    lj = jdata.DataLoader([1, 2, 3], batch_size=None)
    lt = tdata.DataLoader([1, 2, 3], batch_size=None)
    assert [plain(b) for b in lj] == [plain(b) for b in lt]


def test_num_workers_is_named_as_unsupported():
    with pytest.raises(NotImplementedError, match="num_workers=2 is not supported"):
        jdata.DataLoader([1, 2], num_workers=2)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        jdata.DataLoader([1, 2], num_workers=-1)


def test_option_conflicts_like_torch():
    for mod in (jdata, tdata):
        with pytest.raises(ValueError, match="sampler option is mutually exclusive with "
                                             "shuffle"):
            mod.DataLoader([1], sampler=mod.SequentialSampler([1]), shuffle=True)


def test_tensor_dataset_and_subset():
    ds = tensor_dataset(janus)
    assert len(ds) == 10
    x, y = ds[2]
    assert to_numpy(x).tolist() == [6.0, 7.0, 8.0] and int(y) == 2
    sub = jdata.Subset(ds, [4, 1])
    assert len(sub) == 2 and int(sub[1][1]) == 1
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        jdata.TensorDataset(janus.zeros(3), janus.zeros(4))


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [5, 5]])
def test_random_split_partitions(lengths):
    parts = jdata.random_split(list(range(10)), lengths)
    sizes_t = [len(p) for p in tdata.random_split(list(range(10)), lengths)]
    assert [len(p) for p in parts] == sizes_t
    everything = sorted(v for p in parts for v in p)
    assert everything == list(range(10))


def test_random_split_bad_lengths_like_torch():
    for mod in (jdata, tdata):
        with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
            mod.random_split(list(range(10)), [3, 3])


def test_concat_dataset():
    ds = jdata.Dataset.__add__(jdata.Subset([0, 1, 2], [0, 1]), jdata.Subset([5, 6], [1]))
    assert [ds[i] for i in range(len(ds))] == [0, 1, 6] and ds[-1] == 6


def stream(mod, n):
    class Squares(mod.IterableDataset):
        def __iter__(self):
            return iter([(i, float(i * i)) for i in range(n)])
    return Squares()


@pytest.mark.parametrize("kwargs", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                    {"batch_size": None}])
def test_iterable_dataset_matches_torch(kwargs):
    lj = jdata.DataLoader(stream(jdata, 7), **kwargs)
    lt = tdata.DataLoader(stream(tdata, 7), **kwargs)
    assert [plain(b) for b in lj] == [plain(b) for b in lt]


def test_iterable_dataset_rejects_shuffle_like_torch():
    for mod in (jdata, tdata):
        with pytest.raises(ValueError, match="expected unspecified shuffle option"):
            mod.DataLoader(stream(mod, 3), shuffle=True)
