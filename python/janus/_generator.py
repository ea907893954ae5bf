"""torch.Generator: CPU generators with torch's MT19937 streams and state bytes.

Each Generator holds a handle to a C++ generator (tensor/ops/generator.h). Random ops take
`generator=` through `takes_generator`, which runs the op with that generator made current, so
the sampling code is the same for every generator. get_state() returns torch's 5056-byte
CPUGeneratorImplState as `bytes` (Janus has no uint8 tensors); set_state() takes those bytes or
any buffer holding them, e.g. `torch_state.numpy()` from Debian's torch.
"""
import functools

import _janus as _C


class Generator:
    def __init__(self, device="cpu"):
        import janus
        janus._check_device(device)
        self.device = janus.device("cpu")
        self._handle = _C._generator_new()

    @classmethod
    def _wrap(cls, handle):
        import janus
        g = cls.__new__(cls)
        g.device = janus.device("cpu")
        g._handle = handle
        return g

    def manual_seed(self, seed):
        _C._generator_manual_seed(self._handle, _seed_int(seed))
        return self

    def seed(self):
        return _C._generator_seed(self._handle)

    def initial_seed(self):
        return _C._generator_initial_seed(self._handle)

    def get_state(self):
        return _C._generator_get_state(self._handle)

    def set_state(self, new_state):
        import janus
        if isinstance(new_state, janus.Tensor):
            raise TypeError("RNG state must be a torch.ByteTensor (Janus has no uint8 tensors: pass the "
                            "bytes from get_state(), or a torch ByteTensor's .numpy())")
        if not isinstance(new_state, (bytes, bytearray, memoryview)) and not hasattr(new_state, "__array_interface__"):
            raise TypeError(f"RNG state must be a torch.ByteTensor, not {type(new_state).__name__}")
        _C._generator_set_state(self._handle, new_state)
        return self

    def __reduce__(self):
        raise TypeError("cannot pickle 'torch._C.Generator' object")


def _seed_int(seed):
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise TypeError(f"manual_seed expected a long, but got {type(seed).__name__}") from None
    return int(seed)


default_generator = Generator._wrap(_C._generator_default())


def _handle(generator, name):
    if not isinstance(generator, Generator):
        raise TypeError(f"{name}(): argument 'generator' must be torch.Generator, not {type(generator).__name__}")
    return generator._handle


def takes_generator(fn, name=None):
    """fn with a keyword-only `generator=`: None draws from the default generator."""
    name = name or getattr(fn, "__name__", "random op")

    @functools.wraps(fn)
    def wrapper(*args, generator=None, **kwargs):
        if generator is None:
            return fn(*args, **kwargs)
        return _C._generator_call(_handle(generator, name), fn, *args, **kwargs)
    return wrapper
