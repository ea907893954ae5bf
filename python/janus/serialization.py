"""janus.save / janus.load: PyTorch's zip checkpoint format, readable and writable by both
torch and Janus.

Layout of a checkpoint (what torch >= 1.6 writes):
    <prefix>/data.pkl     pickle (protocol 2) of the object; every storage is a persistent id
                          ('storage', torch.<Type>Storage, key, location, numel)
    <prefix>/data/<key>   the storage's raw little-endian bytes, one record per storage
    <prefix>/version      b'3\\n'
Records are stored uncompressed and 64-byte aligned, as torch's writer does.

Tensors are pickled as torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, hooks) and nn.Parameters as torch._utils._rebuild_parameter(tensor,
requires_grad, hooks), so the pickle names only 'torch.*' globals; Janus maps them back to
janus objects on load. Loading is restricted: only the globals in _SAFE_GLOBALS and
nn.Module subclasses already imported by the program are resolved; anything else raises
pickle.UnpicklingError (no arbitrary code runs).
"""
import _compat_pickle
import io
import os
import pickle
import struct
import sys
import tempfile
import types
import zipfile
from collections import OrderedDict

import janus

# --------------------------------------------------------------------------- dtype table
# dtype name, torch storage class name, numpy dtype string (little-endian).
_DTYPES = (
    ("float32", "FloatStorage", "<f4"),
    ("float64", "DoubleStorage", "<f8"),
    ("float16", "HalfStorage", "<f2"),
    ("bfloat16", "BFloat16Storage", None),
    ("int64", "LongStorage", "<i8"),
    ("int32", "IntStorage", "<i4"),
    ("int16", "ShortStorage", "<i2"),
    ("int8", "CharStorage", "i1"),
    ("uint8", "ByteStorage", "u1"),
    ("bool", "BoolStorage", "?"),
)
_STORAGE_BY_DTYPE = {name: storage for name, storage, _ in _DTYPES}
_DTYPE_BY_STORAGE = {storage: name for name, storage, _ in _DTYPES}
_NUMPY_BY_DTYPE = {name: np_dtype for name, _, np_dtype in _DTYPES}

_MAGIC_ZIP = b"PK\x03\x04"
# The legacy format starts with a pickled magic number (0x1950a86a20f9469cfc6c).
_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
_FORMAT_VERSION = b"3\n"
_ALIGNMENT = 64


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def _np():
    import numpy
    return numpy


# --------------------------------------------------------------------------- storages
def _untyped_storage(tensor):
    if hasattr(tensor, "untyped_storage"):
        return tensor.untyped_storage()
    return tensor.storage().untyped()  # torch 1.13 spelling


def _view(storage, dtype, offset, size, stride):
    """A tensor of `dtype` over `storage` (an UntypedStorage) with the given geometry."""
    return janus.empty(0, dtype=dtype).set_(storage, offset, tuple(size), tuple(stride))


def _storage_bytes(tensor):
    """The raw little-endian bytes of the whole storage under `tensor`."""
    storage = _untyped_storage(tensor)
    numel = storage.nbytes() // tensor.element_size()
    full = _view(storage, tensor.dtype, 0, (numel,), (1,))
    array = full.detach().cpu().numpy()
    if sys.byteorder != "little":
        array = array.byteswap()
    return array.tobytes(), numel


class _LoadedStorage:
    """One storage record read back: a flat tensor of the record's dtype and location."""

    def __init__(self, flat, location):
        self.flat = flat
        self.location = location

    def view(self, offset, size, stride):
        storage = _untyped_storage(self.flat)
        return _view(storage, self.flat.dtype, offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
                       backward_hooks, metadata=None):
    tensor = storage.view(storage_offset, size, stride)
    tensor.requires_grad = requires_grad
    return tensor


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from janus.nn import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    if state:
        param.__dict__.update(state)
    return param


# --------------------------------------------------------------------------- writing
class _Global:
    """A 'module name' global written into the pickle without importing it."""
    _instances = {}

    def __new__(cls, module, name):
        key = (module, name)
        if key not in cls._instances:
            obj = super().__new__(cls)
            obj.module, obj.name = module, name
            cls._instances[key] = obj
        return cls._instances[key]

    def __call__(self, *args):  # pickle's save_reduce insists on a callable
        raise TypeError(f"{self.module}.{self.name} is only a name in a checkpoint")


class _PlainTensor:
    """Marks a Parameter's data to be pickled as a plain tensor."""

    def __init__(self, tensor):
        self.tensor = tensor


class _StorageRef:
    def __init__(self, key, storage_type, numel):
        self.key, self.storage_type, self.numel = key, storage_type, numel


class _CheckpointPickler(pickle._Pickler):
    """Pure-Python pickler (it lets us write 'torch.*' globals that need not import here)."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = OrderedDict()  # record key -> raw bytes, in order of first use
        self._keys = {}                # storage identity -> _StorageRef

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None

    def _storage_ref(self, tensor):
        dtype = _dtype_name(tensor.dtype)
        if _NUMPY_BY_DTYPE.get(dtype) is None:
            raise RuntimeError(f"janus.save: tensors of dtype {tensor.dtype} are not supported")
        storage = _untyped_storage(tensor)
        identity = (storage.data_ptr(), storage.nbytes(), dtype)
        if storage.nbytes() == 0:
            identity = ("empty", id(tensor), dtype)
        if identity not in self._keys:
            key = str(len(self._keys))
            data, numel = _storage_bytes(tensor)
            self._keys[identity] = _StorageRef(key, _Global("torch", _STORAGE_BY_DTYPE[dtype]),
                                               numel)
            self.storages[key] = data
        return self._keys[identity]

    def _tensor_reduce(self, tensor, requires_grad):
        if tensor.device.type != "cpu":
            tensor = tensor.cpu()
        return (_Global("torch._utils", "_rebuild_tensor_v2"),
                (self._storage_ref(tensor), tensor.storage_offset(), tuple(tensor.size()),
                 tuple(tensor.stride()), requires_grad, OrderedDict()))

    def reducer_override(self, obj):
        from janus.nn import Parameter
        if isinstance(obj, _PlainTensor):  # a Parameter's .data: torch writes it detached
            return self._tensor_reduce(obj.tensor, False)
        if isinstance(obj, Parameter):
            return (_Global("torch._utils", "_rebuild_parameter"),
                    (_PlainTensor(obj), obj.requires_grad, OrderedDict()))
        if isinstance(obj, janus.Tensor):
            if type(obj) is not janus.Tensor:
                raise pickle.PicklingError(
                    f"janus.save: cannot save tensor subclass {type(obj).__qualname__}")
            return self._tensor_reduce(obj, obj.requires_grad)
        if isinstance(obj, janus.device):
            return (_Global("torch", "device"), (str(obj),))
        size_type = getattr(janus, "Size", None)
        if size_type is not None and size_type is not tuple and isinstance(obj, size_type):
            return (_Global("torch", "Size"), (tuple(obj),))
        return NotImplemented

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, (_Global, janus.dtype)):
            if isinstance(obj, janus.dtype):
                obj = _Global("torch", _dtype_name(obj))
            memo = self.memo.get(id(obj))
            if memo is not None:
                self.write(self.get(memo[0]))
                return
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
            self.memoize(obj)
            return
        return super().save(obj, save_persistent_id)

    def save_global(self, obj, name=None):
        # Classes and functions of the janus package are written under their torch names.
        module = getattr(obj, "__module__", None) or ""
        if module == "janus" or module.startswith("janus."):
            qualname = name or obj.__qualname__
            return self.save(_Global("torch" + module[len("janus"):], qualname))
        return super().save_global(obj, name)

    # Functions go through the dispatch table straight to the base save_global; route them
    # through ours (classes already call self.save_global from save_type).
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[types.FunctionType] = lambda self, obj: self.save_global(obj)


def _write_zip(out, prefix, pickled, storages):
    """Writes the records uncompressed, each one's data starting on a 64-byte boundary."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        records = [("data.pkl", pickled)]
        records += [(f"data/{key}", data) for key, data in storages.items()]
        records += [("version", _FORMAT_VERSION), ("byteorder", b"little")]
        for name, data in records:
            name = f"{prefix}/{name}"
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            offset = archive.fp.tell()
            header = 30 + len(name.encode("utf-8")) + 4
            pad = (-(offset + header)) % _ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            archive.writestr(info, data)


def save(obj, f, pickle_module=pickle, pickle_protocol=2,
         _use_new_zipfile_serialization=True):
    """Saves obj in torch's zip format. A path is written atomically: the data goes to a
    temporary file in the same folder, which then replaces the target."""
    if pickle_module is not pickle:
        raise NotImplementedError("janus.save: only the standard pickle module is supported")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("janus.save: the legacy (non-zip) torch.save format is not "
                                  "supported; use the default zip format")
    buffer = io.BytesIO()
    pickler = _CheckpointPickler(buffer, pickle_protocol)
    pickler.dump(obj)
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                _write_zip(out, "archive", buffer.getvalue(), pickler.storages)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"janus.save: expected a path or a writable file object, got "
                                 f"{type(f).__name__}")
        _write_zip(f, "archive", buffer.getvalue(), pickler.storages)


# --------------------------------------------------------------------------- reading
def _safe_globals():
    table = {("collections", "OrderedDict"): OrderedDict,
             ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
             ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
             ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
             ("torch", "Size"): getattr(janus, "Size", tuple),
             ("torch", "device"): janus.device,
             ("_codecs", "encode"): __import__("codecs").encode,  # bytes in protocol 2
             ("builtins", "set"): set, ("builtins", "frozenset"): frozenset,
             ("builtins", "complex"): complex, ("builtins", "slice"): slice,
             ("builtins", "bytearray"): bytearray, ("builtins", "range"): range}
    for name, _, _ in _DTYPES:
        if hasattr(janus, name):
            table[("torch", name)] = getattr(janus, name)
    return table


def _numpy_global(module, name):
    """numpy arrays saved with torch.save (e.g. PyTorch's time_sequence_prediction data)
    pickle as ndarray reconstruction; only these three numpy names are allowed."""
    if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name == "_reconstruct":
        return _np().core.multiarray._reconstruct
    if module == "numpy" and name in ("ndarray", "dtype"):
        return getattr(_np(), name)
    if module == "numpy.dtypes" and name.endswith("DType"):
        return type(_np().dtype(name[:-len("DType")].lower()))
    return None


class _StorageType:
    def __init__(self, dtype_name):
        self.dtype_name = dtype_name


def _module_class(module, name):
    """An nn.Module subclass the program has already imported (no import happens here)."""
    from janus.nn import Module
    if module == "torch" or module.startswith("torch."):
        module = "janus" + module[len("torch"):]
    mod = sys.modules.get(module)
    obj = mod
    for part in name.split("."):
        obj = getattr(obj, part, None)
    if isinstance(obj, type) and issubclass(obj, Module):
        return obj
    return None


class _CheckpointUnpickler(pickle.Unpickler):
    def __init__(self, file, records, map_location, weights_only):
        super().__init__(file)
        self._records = records
        self._map_location = map_location
        self._weights_only = weights_only
        self._loaded = {}
        self._globals = _safe_globals()

    def find_class(self, module, name):
        # Protocol 2 pickles use Python 2 names (__builtin__.set); map them as pickle does.
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        if module == "torch" and name in _DTYPE_BY_STORAGE:
            return _StorageType(_DTYPE_BY_STORAGE[name])
        if (module, name) in self._globals:
            return self._globals[(module, name)]
        if module.startswith("numpy"):
            found = _numpy_global(module, name)
            if found is not None:
                return found
        if not self._weights_only:
            cls = _module_class(module, name)
            if cls is not None:
                return cls
        raise pickle.UnpicklingError(
            f"janus.load: refusing to load the global '{module}.{name}': checkpoints may only "
            "hold tensors, Python containers and numbers, and nn.Module subclasses that the "
            "program has already imported")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"janus.load: unknown persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"janus.load: unsupported storage type {storage_type!r}")
        cache_key = (key, storage_type.dtype_name)
        if cache_key not in self._loaded:
            self._loaded[cache_key] = self._read_storage(key, storage_type.dtype_name,
                                                         location, numel)
        return self._loaded[cache_key]

    def _read_storage(self, key, dtype_name, location, numel):
        data = self._records.read(f"data/{key}")
        np_dtype = _NUMPY_BY_DTYPE.get(dtype_name)
        if np_dtype is None or not hasattr(janus, dtype_name):
            raise TypeError(f"janus.load: the checkpoint holds {dtype_name} tensors "
                            f"(record data/{key}), a dtype Janus does not support")
        numpy = _np()
        itemsize = numpy.dtype(np_dtype).itemsize
        if len(data) != numel * itemsize:
            raise RuntimeError(f"janus.load: record data/{key} holds {len(data)} bytes, "
                               f"expected {numel * itemsize} ({numel} x {dtype_name}); the "
                               "checkpoint is corrupted")
        array = numpy.frombuffer(data, dtype=np_dtype)
        array = array.astype(array.dtype.newbyteorder("="))  # a native-order copy
        flat = janus.from_numpy(array)
        return _LoadedStorage(self._place(flat, location), location)

    def _place(self, flat, location):
        target = self._map_location
        if target is None:
            target = location
        elif callable(target) and not isinstance(target, (str, janus.device)):
            result = target(flat, location)
            return flat if result is None else result
        elif isinstance(target, dict):
            target = target.get(location, location)
        target = str(target)
        if target == "cpu":
            return flat
        cuda = getattr(janus, "cuda", None)
        if target.startswith("cuda") and not (cuda is not None and cuda.is_available()):
            raise RuntimeError("Attempting to deserialize object on a CUDA device but "
                               "torch.cuda.is_available() is False. If you are running on a "
                               "CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the "
                               "CPU.")
        return flat.to(target)


class _Records:
    """Reads '<prefix>/<name>' records of a checkpoint zip with torch's error messages."""

    def __init__(self, archive):
        self.archive = archive
        names = archive.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not "
                               "found")
        self.prefix = pkl[0][:-len("data.pkl")]

    def read(self, name):
        try:
            return self.archive.read(self.prefix + name)
        except KeyError:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not "
                               "found") from None
        except (zipfile.BadZipFile, OSError, EOFError) as ex:
            if name == "data.pkl":  # torch reports a damaged pickle as UnpicklingError
                raise pickle.UnpicklingError(f"janus.load: data.pkl is corrupted ({ex})") \
                    from None
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: the "
                               f"checkpoint is corrupted ({ex})") from None


def _read_all(f):
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as stream:
            return stream.read()
    if not hasattr(f, "read"):
        raise AttributeError(f"janus.load: expected a path or a readable file object, got "
                             f"{type(f).__name__}")
    return f.read()


def load(f, map_location=None, pickle_module=None, *, weights_only=False, **pickle_load_args):
    """Loads a torch zip checkpoint. Corrupted or truncated files raise the exception types
    torch raises (RuntimeError for a bad zip, pickle.UnpicklingError / EOFError otherwise)."""
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("janus.load: only the standard pickle module is supported")
    data = _read_all(f)
    if not data.startswith(_MAGIC_ZIP):
        if not data:
            raise EOFError("Ran out of input")
        if data.startswith(_LEGACY_MAGIC):
            raise RuntimeError("janus.load: this checkpoint uses the legacy (pre-1.6, non-zip) "
                               "torch.save format, which Janus does not support; re-save it "
                               "with torch.save's default zip format")
        raise pickle.UnpicklingError(
            f"janus.load: not a PyTorch checkpoint (invalid load key, {data[:1]!r}; expected "
            "a zip archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                           "central directory") from None
    with archive:
        records = _Records(archive)
        pickled = records.read("data.pkl")
        unpickler = _CheckpointUnpickler(io.BytesIO(pickled), records, map_location,
                                         weights_only)
        return unpickler.load()
