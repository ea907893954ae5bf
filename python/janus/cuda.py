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


# ---- streams and events (gpu/cuda_streams.cpp): handles wrapped as torch.cuda's classes ----------
class Stream:
    """torch.cuda.Stream: a CUDA stream (non-blocking) of a device; ops run on the current one."""

    def __new__(cls, device=None, priority=0, _handle=None, **kwargs):
        b = _lazy_init()
        self = super().__new__(cls)
        self.device_index = _index(device)
        self.priority = priority
        self._handle = b._stream_create() if _handle is None else _handle
        return self

    @property
    def device(self):
        import janus
        return janus.device("cuda", self.device_index)

    @property
    def cuda_stream(self):
        return self._handle

    def synchronize(self):
        _lazy_init()._stream_synchronize(self._handle)

    def query(self):
        return _lazy_init()._stream_query(self._handle)

    def wait_event(self, event):
        _lazy_init()._stream_wait_event(self._handle, event._handle)

    def wait_stream(self, stream):
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream) and (self._handle, self.device_index) == (other._handle, other.device_index)

    def __hash__(self):
        return hash((self._handle, self.device_index))

    def __repr__(self):
        return f"<torch.cuda.Stream device={self.device} cuda_stream={self._handle:#x}>"


class Event:
    """torch.cuda.Event: a CUDA event; elapsed_time needs enable_timing=True on both."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if interprocess:
            raise NotImplementedError("torch.cuda.Event(interprocess=True) is not supported by Janus")
        self._b = _lazy_init()
        self._handle = self._b._event_create(bool(enable_timing), bool(blocking))
        self.enable_timing = enable_timing

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._b._event_destroy(handle)

    def record(self, stream=None):
        self._b._event_record(self._handle, (current_stream() if stream is None else stream)._handle)

    def wait(self, stream=None):
        (current_stream() if stream is None else stream).wait_event(self)

    def query(self):
        return self._b._event_query(self._handle)

    def synchronize(self):
        self._b._event_synchronize(self._handle)

    def elapsed_time(self, end_event):
        return self._b._event_elapsed(self._handle, end_event._handle)

    def __repr__(self):
        return f"<torch.cuda.Event {self._handle:#x}>"


def current_stream(device=None):
    b = _lazy_init()
    index = _index(device)
    if index != b.current_device():
        raise NotImplementedError("janus.cuda.current_stream of another device than the current one")
    return Stream(index, _handle=b._current_stream())


def default_stream(device=None):
    _lazy_init()
    return Stream(device, _handle=0)  # the legacy default stream


def set_stream(stream):
    if stream is not None:
        _lazy_init()._set_stream(stream._handle)


class stream:
    """torch.cuda.stream(s): makes `s` the current stream inside the with-block (None: no change)."""

    def __init__(self, stream_):
        self.stream = stream_
        self._previous = None

    def __enter__(self):
        if self.stream is not None:
            self._previous = _lazy_init()._set_stream(self.stream._handle)
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            _lazy_init()._set_stream(self._previous)
        return False


StreamContext = stream


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
