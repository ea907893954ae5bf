"""Janus: a PyTorch-compatible tensor library. `import janus` from any python3.11 with
build/python on sys.path; under janus-python `import torch` is this module.

The tensor core is C++ (tensor/, bound as the _janus extension); this package adds the Python
parts of PyTorch's API: dtypes, Size, device, grad-mode context managers, factory functions
with their keyword arguments, and printing."""
import builtins as _builtins
import functools as _functools

import _janus as _C

__version__ = "1.13.0"

# ---- dtypes ------------------------------------------------------------------------------------
dtype = _C.dtype
float32 = _C.float32
float64 = _C.float64
int64 = _C.int64
int32 = _C.int32
bool = _C.bool
float = float32
double = float64
long = int64
int = int32

_LEGACY_TYPE_NAMES = {float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int64: "torch.LongTensor",
                      int32: "torch.IntTensor", bool: "torch.BoolTensor"}


def _legacy_type_name(d):
    return _LEGACY_TYPE_NAMES[d]


def _dtype_from_type_name(name):
    for d, n in _LEGACY_TYPE_NAMES.items():
        if name in (n, n.replace("torch.", "janus.")):
            return d
    raise ValueError(f"invalid type: '{name}'")


class Size(tuple):
    """A tensor's shape: a tuple of ints (torch.Size)."""

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class device:
    """torch.device: Janus's eager runtime computes on 'cpu'."""

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, _builtins.int):
            type, index = "cuda", type
        if ":" in type:
            text = type
            type, idx = type.split(":", 1)
            if not (idx.isascii() and idx.isdigit()) or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{text}'")
            index = _builtins.int(idx)
        if type not in ("cpu", "cuda", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, meta device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


_cpu = device("cpu")


def _check_device(d):
    """Raises PyTorch's error when `d` names a device this process cannot use."""
    if d is None:
        return
    if not isinstance(d, device):
        d = device(d)
    if d.type == "cuda":
        cuda._lazy_init()
        if d.index is not None and d.index >= cuda.device_count():
            raise RuntimeError("CUDA error: invalid device ordinal")
    elif d.type != "cpu":
        raise RuntimeError(f"Janus's tensor runtime supports devices 'cpu' and 'cuda' only (got '{d}')")


# torch.set_default_device: where factories given no device= put their tensors (None: the CPU).
_default_device = None


def set_default_device(device_):
    global _default_device
    d = None if device_ is None else device(device_)
    _check_device(d)
    _default_device = None if d is None or d.type == "cpu" else d


def get_default_device():
    return _default_device or _cpu


from ._tensor import Tensor  # noqa: E402
Tensor.__module__ = __name__  # repr and pickle name it janus.Tensor, where it can be found

_C._set_tensor_class(Tensor, Size)


def _describe_in_profiles(cls):
    """Under janus-python, tier 0's site profiles record dtype, shape and requires_grad of
    instances of `cls`. In a stock python3.11 there is no _janus_hook and nothing to do."""
    try:
        import _janus_hook
    except ImportError:
        return
    _janus_hook.register_tensor_describer(cls, _C._tensor_describe)


_describe_in_profiles(Tensor)


def _parse_to(t, args, kwargs):
    """Tensor.to(dtype) / to(device) / to(device, dtype) / to(other) -> (dtype or None, copy, device or None,
    non_blocking)."""
    dtype_ = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    dev = kwargs.pop("device", None)
    non_blocking = kwargs.pop("non_blocking", False)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, dtype):
            dtype_ = a
        elif isinstance(a, Tensor):
            dtype_, dev = a.dtype, a.device
        elif isinstance(a, (str, device, _builtins.int)) and not isinstance(a, _builtins.bool):
            dev = a
        elif isinstance(a, _builtins.bool):
            pass
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    _check_device(dev)
    return dtype_, copy, (None if dev is None else device(dev)), non_blocking


# ---- grad mode -------------------------------------------------------------------------------------
is_grad_enabled = _C.is_grad_enabled


class _GradMode:
    """Context manager and decorator that sets grad mode for its extent."""
    _mode = True

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(self._mode)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def __call__(self, func):
        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradMode):
    _mode = False


class enable_grad(_GradMode):
    _mode = True


class inference_mode(_GradMode):
    def __init__(self, mode=True):
        self._mode = not mode


class set_grad_enabled(_GradMode):
    def __init__(self, mode):
        self._mode = _builtins.bool(mode)
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(self._mode)

    def __enter__(self):
        return self

    def __call__(self, func):
        _C._set_grad_enabled(self._prev)
        mode = self._mode

        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)
        return wrapper


# ---- default dtype, seeds, generators -------------------------------------------------------------
get_default_dtype = _C.get_default_dtype


def set_default_dtype(d):
    _C._set_default_dtype(d)


from ._generator import Generator, default_generator  # noqa: E402
from ._generator import _handle as _generator_handle, takes_generator as _takes_generator  # noqa: E402


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def manual_seed(seed):
    _C.manual_seed(_builtins.int(seed))
    return default_generator


def seed():
    return _C._seed()


def initial_seed():
    return _C._initial_seed()


# ---- creation ------------------------------------------------------------------------------------------
def _finish(t, requires_grad, device=None, default_device=True):
    if device is None and default_device:
        device = _default_device
    if device is not None:  # made on the CPU, then copied: device kernels for factories come later
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _size_args(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        return tuple(size[0])
    return size


_DEVICE_FACTORIES = {"zeros": 0, "ones": 1, "empty": None}  # made on the device itself


def _factory(name, impl):
    def factory(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
                generator=None, memory_format=None):
        _check_device(device)
        if out is not None:
            raise NotImplementedError(f"{name}(out=...) is not supported by Janus")
        device = device if device is not None else _default_device
        if device is not None and name in _DEVICE_FACTORIES and generator is None and device != _cpu:
            t = _C._empty_on(tuple(_size_args(size)), dtype or get_default_dtype(), str(device))
            if name != "empty":
                t.fill_(_DEVICE_FACTORIES[name])
            return _finish(t, requires_grad)
        if generator is not None:
            return _finish(_C._generator_call(_generator_handle(generator, name), impl, tuple(_size_args(size)),
                                              dtype=dtype), requires_grad, device)
        return _finish(impl(tuple(_size_args(size)), dtype=dtype), requires_grad, device)
    factory.__name__ = factory.__qualname__ = name
    return factory


zeros = _factory("zeros", _C._zeros)
ones = _factory("ones", _C._ones)
empty = _factory("empty", _C._empty)
rand = _factory("rand", _C._rand)
randn = _factory("randn", _C._randn)


def _like_factory(name, impl):
    def factory(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        _check_device(device)
        return _finish(impl(input, *args, dtype=dtype), requires_grad, device, default_device=False)
    factory.__name__ = factory.__qualname__ = name
    return factory


zeros_like = _like_factory("zeros_like", _C._zeros_like)
ones_like = _like_factory("ones_like", _C._ones_like)
empty_like = _like_factory("empty_like", _C._empty_like)
full_like = _like_factory("full_like", _C._full_like)
rand_like = _like_factory("rand_like", _C._rand_like)
randn_like = _like_factory("randn_like", _C._randn_like)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_device(device)
    if isinstance(size, _builtins.int):
        size = (size,)
    return _finish(_C._full(tuple(size), fill_value, dtype=dtype), requires_grad, device)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_device(device)
    return _finish(_C._arange(start, end, step, dtype=dtype), requires_grad, device)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_device(device)
    return _finish(_C._linspace(start, end, steps, dtype=dtype), requires_grad, device)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_device(device)
    return _finish(_C._eye(n, m, dtype=dtype), requires_grad, device)


def randint(*args, low=None, high=None, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    _check_device(device)
    if high is not None:  # randint(high=...) or randint(low=..., high=...), as torch's parser takes
        args = ((low,) if low is not None else ()) + (high,) + args
    if size is not None:
        args = args + (size,)
    if generator is not None:
        return _finish(_C._generator_call(_generator_handle(generator, "randint"), _C._randint, *args, dtype=dtype),
                       requires_grad, device)
    return _finish(_C._randint(*args, dtype=dtype), requires_grad, device)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_device(device)
    if generator is not None:
        return _finish(_C._generator_call(_generator_handle(generator, "randperm"), _C._randperm, n,
                                          dtype=dtype or int64), requires_grad, device)
    return _finish(_C._randperm(n, dtype=dtype or int64), requires_grad, device)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    _check_device(device)
    return _finish(_C._tensor(data, dtype), requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    _check_device(device)
    if device is not None:
        return as_tensor(data, dtype).to(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == dtype else data.to(dtype)
    if hasattr(data, "__array_interface__") and dtype is None:
        try:
            return from_numpy(data)
        except (TypeError, ValueError):
            pass
    return _C._tensor(data, dtype)


from_numpy = _C.from_numpy


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(t):
    return t.is_floating_point()


def numel(t):
    return t.numel()


def result_type(a, b):
    return (a + b if isinstance(a, Tensor) or isinstance(b, Tensor) else tensor(a) + b).dtype


# ---- legacy typed constructors (torch.FloatTensor, ...) -----------------------------------------------
class _LegacyTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


def _legacy_type(name, dt):
    def __new__(cls, *args):
        if len(args) == 1 and not isinstance(args[0], _builtins.int):
            return tensor(args[0], dtype=dt)
        return empty(*args, dtype=dt)
    return _LegacyTensorMeta(name, (), {"__new__": __new__, "dtype": dt, "__module__": "torch"})


FloatTensor = _legacy_type("FloatTensor", float32)
DoubleTensor = _legacy_type("DoubleTensor", float64)
LongTensor = _legacy_type("LongTensor", int64)
IntTensor = _legacy_type("IntTensor", int32)
BoolTensor = _legacy_type("BoolTensor", bool)


# ---- ops from the registry ------------------------------------------------------------------------------
def _export_registry():
    g = globals()
    for name in dir(_C):
        if name.startswith("_") or name in g:
            continue
        g[name] = getattr(_C, name)


_export_registry()
bernoulli = _takes_generator(_C.bernoulli, "bernoulli")
multinomial = _takes_generator(_C.multinomial, "multinomial")
UntypedStorage = _C.UntypedStorage
square = Tensor.square
absolute = _C.abs
negative = _C.neg


def max(input, *args, **kwargs):  # noqa: A001 - PyTorch's name
    return _C.max(input, *args, **kwargs)


def min(input, *args, **kwargs):  # noqa: A001
    return _C.min(input, *args, **kwargs)


# ---- subpackages ------------------------------------------------------------------------------
from . import autograd, backends, cuda, nn, onnx, optim, random, utils  # noqa: E402,F401
from .serialization import save, load  # noqa: E402,F401
from ._random import normal  # noqa: E402,F401
from ._einsum import diag, einsum  # noqa: E402,F401
Tensor.diag = diag

_SUBMODULES = {"fft", "linalg", "distributions", "jit", "distributed", "sparse", "special",
               "quantization", "hub", "profiler", "amp", "fx", "testing", "multiprocessing"}


def __getattr__(name):
    """An API Janus lacks is named in the error, never silently wrong."""
    if name.startswith("__"):
        raise AttributeError(f"module 'torch' has no attribute '{name}'")
    kind = "submodule" if name in _SUBMODULES else "attribute"
    raise AttributeError(f"module 'torch' has no attribute '{name}': torch.{name} ({kind}) is not supported by Janus")
