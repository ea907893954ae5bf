"""janus.Tensor: the C++ tensor type (_janus._TensorBase) plus the parts of PyTorch's Tensor
API that are plain Python (printing, numpy bridge, .to(), new_* constructors)."""
import _janus as _C

from . import _tensor_str


class Tensor(_C._TensorBase):
    __array_priority__ = 1000  # numpy defers binary operators to the tensor

    def __repr__(self):
        return _tensor_str.tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        from . import _pickle
        return _pickle.reduce_tensor(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        with _no_grad():
            new = self.clone()
        new.requires_grad_(self.requires_grad)
        if self.grad is not None:
            new.grad = self.grad.clone()
        memo[id(self)] = new
        return new

    def __contains__(self, item):
        return bool((self == item).any())

    def __reversed__(self):
        return iter(list(self)[::-1])

    def __array__(self, dtype=None):
        import numpy
        array = numpy.asarray(self.detach())
        return array if dtype is None else array.astype(dtype, copy=False)

    # ---- devices and dtypes --------------------------------------------------------------------
    @property
    def device(self):
        from . import _cpu, device
        index = self._device_index
        return _cpu if index < 0 else device("cuda", index)

    @property
    def is_cuda(self):
        return self._device_index >= 0

    def get_device(self):
        return self._device_index

    is_sparse = False
    is_quantized = False
    layout = "torch.strided"

    def numpy(self):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        import numpy
        return numpy.asarray(self)

    def to(self, *args, **kwargs):
        from . import _parse_to
        dtype, copy, device, non_blocking = _parse_to(self, args, kwargs)
        t = self
        if device is not None and device != t.device:
            from . import _C
            t, copy = _C._to_device(t, str(device), non_blocking), False
        if dtype is None:
            return t.clone() if copy else t
        return t._to_dtype(dtype, copy)

    def cpu(self, memory_format=None):
        return self if self._device_index < 0 else self.to("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        from . import cuda
        if device is None:
            device = cuda.current_device()
        elif isinstance(device, str) or not isinstance(device, int):
            from . import device as _device
            device = _device(device)
            if device.type != "cuda":
                raise RuntimeError(f"Invalid device, must be cuda device")
            device = device.index if device.index is not None else cuda.current_device()
        from . import _check_device
        _check_device(f"cuda:{device}")
        return self.to(f"cuda:{device}", non_blocking=non_blocking)

    def type(self, dtype=None, non_blocking=False):
        from . import _legacy_type_name, _dtype_from_type_name
        if dtype is None:
            return _legacy_type_name(self.dtype)
        if isinstance(dtype, str):
            dtype = _dtype_from_type_name(dtype)
        elif hasattr(dtype, "dtype") and not isinstance(dtype, _C.dtype):
            dtype = dtype.dtype
        return self._to_dtype(dtype)

    # ---- autograd ----------------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if inputs is not None:
            return _backward_into(inputs, (self,), (gradient,), retain_graph, create_graph)
        _C._backward((self,), (gradient,), retain_graph, create_graph)

    def register_hook(self, hook):
        handle = _RemovableHandle()

        def call(grad):
            return hook(grad) if handle.active else None
        self._register_hook(call)
        return handle

    # ---- constructors sharing dtype ------------------------------------------------------------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from . import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from . import ones
        return ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from . import empty
        return empty(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from . import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from . import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    # ---- small composites ------------------------------------------------------------------------------
    def square(self):
        return self * self

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def masked_select(self, mask):
        return self[mask.expand_as(self) if mask.shape != self.shape else mask]

    def sigmoid_(self):
        return self.copy_(self.sigmoid()) if not self.requires_grad else self._inplace_unsupported("sigmoid_")

    def tanh_(self):
        return self.copy_(self.tanh()) if not self.requires_grad else self._inplace_unsupported("tanh_")

    def _inplace_unsupported(self, name):
        raise NotImplementedError(f"Tensor.{name} on a tensor that requires grad is not supported by Janus")


def _backward_into(inputs, tensors, grads, retain_graph, create_graph):
    """backward(inputs=...): the gradients of `inputs` only (autograd.grad), accumulated into their
    .grad as AccumulateGrad does (in place unless create_graph); other leaves are left alone."""
    inputs = (inputs,) if isinstance(inputs, _C._TensorBase) else tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    results = _C._grad(tensors, inputs, grads, retain_graph, create_graph, True)
    for t, g in zip(inputs, results):
        if g is None:
            continue
        if t.grad is None:
            t.grad = g if create_graph else g.detach()
        elif create_graph:
            t.grad = t.grad + g
        else:
            t.grad.add_(g.detach())


class _RemovableHandle:
    """What register_hook returns: remove() turns the hook off."""

    def __init__(self):
        self.active = True

    def remove(self):
        self.active = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _NoGradContext:
    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


def _no_grad():
    return _NoGradContext()


# The random in-place ops take `generator=` (torch.Generator); the registry binds them without it.
def _bind_generator_methods():
    from ._generator import takes_generator
    for name in ("normal_", "uniform_", "bernoulli_", "bernoulli", "multinomial", "random_"):
        setattr(Tensor, name, takes_generator(getattr(_C._TensorBase, name), name))


_bind_generator_methods()
