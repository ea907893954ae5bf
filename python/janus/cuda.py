"""torch.cuda under Janus. The CUDA backend is a separate extension module, _janus_cuda, built
only when the CUDA toolkit was found and imported only on first use, so `import janus` never
needs CUDA. With no backend, or no driver or device, is_available() is False and every CUDA
request raises the error PyTorch raises in that situation."""


class OutOfMemoryError(RuntimeError):
    """torch.cuda.OutOfMemoryError: the device had no memory left even after the cache was freed."""


import _janus as _C

_C._set_out_of_memory_error(OutOfMemoryError)

_backend = None
_load_error = None  # why _janus_cuda could not be imported (not built, or a library is missing)
_tried = False


def _load():
    global _backend, _load_error, _tried
    if not _tried:
        _tried = True
        try:
            import _janus_cuda
            from .backends import cuda as _flags
            _janus_cuda.set_allow_tf32(_flags.matmul.allow_tf32)
            _backend = _janus_cuda
        except ModuleNotFoundError as e:
            _load_error = e
        except ImportError as e:  # built, but its libraries cannot be loaded here
            _load_error = e
    return _backend


def is_built():
    """Whether Janus was built with its CUDA backend."""
    _load()
    return _backend is not None or not isinstance(_load_error, ModuleNotFoundError)


def device_count():
    b = _load()
    return b.device_count() if b is not None else 0


def is_available():
    return device_count() > 0


def is_initialized():
    return is_available()


def _lazy_init():
    """Raises what PyTorch raises when CUDA is asked for and cannot be had."""
    b = _load()
    if b is None:
        if isinstance(_load_error, ModuleNotFoundError):
            raise AssertionError("Torch not compiled with CUDA enabled")
        raise RuntimeError(f"Janus's CUDA backend could not be loaded: {_load_error}")
    if b.device_count() == 0:
        raise RuntimeError(b.unavailable_reason())
    return b


def _index(device):
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    import janus
    d = janus.device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return current_device() if d.index is None else d.index


def current_device():
    return _lazy_init().current_device()


def set_device(device):
    _lazy_init().set_device(_index(device))


def get_device_name(device=None):
    return _lazy_init().device_name(_index(device))


def synchronize(device=None):
    _lazy_init().synchronize(_index(device))


def memory_allocated(device=None):
    b = _load()
    return b.memory_stat(_index(device), "allocated") if b is not None and b.device_count() else 0


def max_memory_allocated(device=None):
    b = _load()
    return b.memory_stat(_index(device), "max_allocated") if b is not None and b.device_count() else 0


def memory_reserved(device=None):
    b = _load()
    return b.memory_stat(_index(device), "reserved") if b is not None and b.device_count() else 0


def max_memory_reserved(device=None):
    b = _load()
    return b.memory_stat(_index(device), "max_reserved") if b is not None and b.device_count() else 0


def reset_peak_memory_stats(device=None):
    b = _load()
    if b is not None and b.device_count():
        b.reset_peak(_index(device))


def empty_cache():
    b = _load()
    if b is not None and b.device_count():
        b.empty_cache()


def manual_seed(seed):
    """Accepted and kept for scripts that seed every device (random numbers on the device come
    later: today device tensors are drawn on the CPU and copied)."""


def manual_seed_all(seed):
    pass


def _use_fake_device_for_tests():
    """Tests only (tests/gpu/test_fake_device.py): makes "cuda:0" a fake device whose memory is
    host memory and whose kernels are the CPU's, with the CUDA backend's autograd layer over
    them (gpu/fake_device.cpp), so the device plumbing runs on machines without a GPU. Never
    with a real device (the fake's kernels replace _janus_cuda's registrations, which without a
    device could never run)."""
    global _backend, _load_error, _tried
    if _backend is not None and _backend.__name__ == "_janus_cuda" and _backend.device_count() > 0:
        raise RuntimeError("the fake CUDA device cannot replace a CUDA backend that has a device")
    import _janus_fake_cuda
    _janus_fake_cuda.install()
    _backend, _load_error, _tried = _janus_fake_cuda, None, True
    return _janus_fake_cuda


def _device_getitem(tensor, index):
    """tensor[index] for a tensor on a device, in registry ops (each with its device kernel and
    gradient): ints, slices with step 1, None, Ellipsis, and one integer index tensor (or list)."""
    import janus
    items = index if isinstance(index, tuple) else (index,)
    consumed = sum(1 for i in items if i is not None and i is not Ellipsis)
    if sum(1 for i in items if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > tensor.dim():
        raise IndexError(f"too many indices for tensor of dimension {tensor.dim()}")
    out, dim, advanced = tensor, 0, 0
    for item in items:
        if item is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif item is Ellipsis:
            dim += tensor.dim() - consumed
        elif isinstance(item, bool) or (isinstance(item, janus.Tensor) and item.dtype == janus.bool):
            raise NotImplementedError(f"Janus has no {tensor.device.type} kernel for boolean-mask indexing yet")
        elif isinstance(item, int) or (isinstance(item, janus.Tensor) and item.dim() == 0
                                        and not item.dtype.is_floating_point):
            out = out.select(dim, int(item))
        elif isinstance(item, slice):
            start, stop, step = item.indices(out.size(dim))
            if step != 1:
                raise NotImplementedError(f"Janus has no {tensor.device.type} kernel for slicing with a step yet")
            out = out.narrow(dim, start, max(stop - start, 0))
            dim += 1
        elif isinstance(item, (janus.Tensor, list)):
            advanced += 1
            if advanced > 1:
                raise NotImplementedError(f"Janus has no {tensor.device.type} kernel for indexing with more "
                                          "than one index tensor yet")
            idx = item if isinstance(item, janus.Tensor) else janus.tensor(item, device=tensor.device)
            if idx.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if idx.dim() != 1:
                raise NotImplementedError(f"Janus has no {tensor.device.type} kernel for indexing with a "
                                          f"{idx.dim()}-D index tensor yet")
            if idx.device != tensor.device:
                idx = idx.to(tensor.device)
            out = out.index_select(dim, idx)
            dim += 1
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                             "are valid indices (got " + type(item).__name__ + ")")
    return out
