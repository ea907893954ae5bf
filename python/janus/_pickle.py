"""Pickling of tensors (copy.deepcopy, multiprocessing): raw bytes + dtype + shape."""
import _janus as _C


def reduce_tensor(t):
    c = t.detach().contiguous()
    data = bytes(memoryview(c.untyped_storage()))[c.storage_offset() * c.element_size():
                                                   (c.storage_offset() + c.numel()) * c.element_size()]
    return _rebuild, (data, str(t.dtype).split(".")[-1], tuple(t.shape), t.requires_grad)


def _rebuild(data, dtype_name, shape, requires_grad):
    import janus
    dtype = getattr(janus, dtype_name)
    storage = _C.UntypedStorage.from_buffer(data)
    t = janus.empty(0, dtype=dtype)
    t.set_(storage, 0, shape, None)
    if requires_grad:
        t.requires_grad_(True)
    return t
