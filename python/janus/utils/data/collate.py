"""default_collate: merges a list of samples into a batch, recursively through tuples,
lists, dicts and namedtuples, as torch.utils.data.default_collate does."""
import collections.abc
import numbers

import janus

try:  # numpy is optional for Janus; arrays in samples need it
    import numpy as _np
except ImportError:  # pragma: no cover
    _np = None


def default_convert(data):
    if isinstance(data, janus.Tensor):
        return data
    if _np is not None and isinstance(data, _np.ndarray):
        return janus.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    elem = batch[0]
    if isinstance(elem, janus.Tensor):
        return janus.stack(batch, 0)
    if _np is not None and isinstance(elem, (_np.ndarray, _np.generic)):
        if elem.dtype.kind in "SaUO":
            raise TypeError("default_collate: batch must contain tensors, numpy arrays, "
                            f"numbers, dicts or lists; found {elem.dtype}")
        if isinstance(elem, _np.generic):  # numpy scalars: one array owning the values
            return janus.from_numpy(_np.array(batch))
        return default_collate([janus.as_tensor(b) for b in batch])
    if isinstance(elem, bool):
        return janus.tensor(batch)
    if isinstance(elem, float):
        return janus.tensor(batch, dtype=janus.float64)
    if isinstance(elem, int):
        return janus.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            return type(elem)({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            return type(elem)([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    if isinstance(elem, numbers.Number):
        return janus.tensor(batch)
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem)}")
