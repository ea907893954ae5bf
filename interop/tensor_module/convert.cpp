// Conversions between Python objects and tensors: errors, scalars, shapes, nested lists.
#include <cstring>

#include "interop/tensor_module/python_api.h"
#include "tensor/iter.h"

namespace janus::py {

PyObject* out_of_memory_error = nullptr;

void set_python_error() {
  try {
    throw;
  } catch (const PythonErrorSet&) {
    // the Python error raised inside a callback is already set
  } catch (const Error& e) {
    PyObject* type = PyExc_RuntimeError;
    switch (e.kind) {
      case ErrorKind::Runtime: type = PyExc_RuntimeError; break;
      case ErrorKind::Index: type = PyExc_IndexError; break;
      case ErrorKind::Type: type = PyExc_TypeError; break;
      case ErrorKind::Value: type = PyExc_ValueError; break;
      case ErrorKind::NotImplemented: type = PyExc_NotImplementedError; break;
      case ErrorKind::OutOfMemory: type = out_of_memory_error ? out_of_memory_error : PyExc_RuntimeError; break;
    }
    PyErr_SetString(type, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
}

bool to_scalar(PyObject* o, Scalar* out) {
  if (PyBool_Check(o)) { *out = Scalar(o == Py_True); return true; }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) { *out = Scalar(PyLong_AsDouble(o)); PyErr_Clear(); return true; }
    *out = Scalar(int64_t(v));
    return true;
  }
  if (PyFloat_Check(o)) { *out = Scalar(PyFloat_AS_DOUBLE(o)); return true; }
  // numpy scalars and other numbers
  if (PyNumber_Check(o) && !is_tensor(o) && !PySequence_Check(o)) {
    if (PyIndex_Check(o)) {
      long long v = PyLong_AsLongLong(o);
      if (!(v == -1 && PyErr_Occurred())) { *out = Scalar(int64_t(v)); return true; }
      PyErr_Clear();
    }
    double d = PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) { PyErr_Clear(); return false; }
    *out = Scalar(d);
    return true;
  }
  return false;
}

bool to_tensor(PyObject* o, Tensor* out) {
  if (is_tensor(o)) { *out = unwrap(o); return true; }
  Scalar s;
  if (!to_scalar(o, &s)) return false;
  *out = ops::scalar_tensor(s);
  return true;
}

bool to_shape(PyObject* o, Shape* out) {
  out->clear();
  if (PyLong_Check(o) || (PyIndex_Check(o) && !is_tensor(o))) {
    out->push_back(PyLong_AsLongLong(o));
    return !PyErr_Occurred() || (PyErr_Clear(), false);
  }
  if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
  PyObject* seq = PySequence_Fast(o, "");
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
    if (is_tensor(item) && unwrap(item).numel() == 1 && !is_floating(unwrap(item).dtype())) {
      out->push_back(unwrap(item).item().to_int());
      continue;
    }
    if (PyFloat_Check(item) || !PyIndex_Check(item)) { Py_DECREF(seq); return false; }
    long long v = PyLong_AsLongLong(item);
    if (v == -1 && PyErr_Occurred()) { PyErr_Clear(); Py_DECREF(seq); return false; }
    out->push_back(v);
  }
  Py_DECREF(seq);
  return true;
}

PyObject* scalar_to_py(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::Bool: return PyBool_FromLong(s.v.b);
    case Scalar::Kind::Int: return PyLong_FromLongLong(s.v.i);
    case Scalar::Kind::Double: return PyFloat_FromDouble(s.v.d);
  }
  return nullptr;
}

// ---- nested Python data -> tensor ---------------------------------------------------------------
namespace {

struct DataScan {
  Shape shape;
  int kind = -1;  // 0 bool, 1 int, 2 float; the widest seen
  DType tensor_dtype = DType::Bool;
  bool saw_tensor = false;
};

void scan(PyObject* o, size_t depth, DataScan& s) {
  if (is_tensor(o)) {
    const Tensor& t = unwrap(o);
    if (t.numel() != 1 || t.dim() != 0)
      fail(ErrorKind::Value, "only one element tensors can be converted to Python scalars");
    int k = t.dtype() == DType::Bool ? 0 : is_floating(t.dtype()) ? 2 : 1;
    s.kind = std::max(s.kind, k);
    if (depth != s.shape.size()) fail(ErrorKind::Value, "expected sequence of length at dimension");
    return;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    if (depth == s.shape.size()) {
      s.shape.push_back(n);
    } else if (depth > s.shape.size() || s.shape[depth] != n) {
      fail(ErrorKind::Value, str_cat("expected sequence of length ", depth < s.shape.size() ? s.shape[depth] : 0,
                                     " at dim ", depth, " (got ", n, ")"));
    }
    for (Py_ssize_t i = 0; i < n; ++i) scan(PySequence_Fast_GET_ITEM(o, i), depth + 1, s);
    return;
  }
  Scalar v;
  if (!to_scalar(o, &v))
    fail(ErrorKind::Type, str_cat("new(): invalid data type '", Py_TYPE(o)->tp_name, "'"));
  if (depth != s.shape.size())
    fail(ErrorKind::Value, str_cat("expected sequence of length ", s.shape.size() > depth ? s.shape[depth] : 0,
                                   " at dim ", depth, " (got a scalar)"));
  s.kind = std::max(s.kind, v.kind == Scalar::Kind::Bool ? 0 : v.kind == Scalar::Kind::Int ? 1 : 2);
}

template <class T>
void fill_data(PyObject* o, T*& p) {
  if (PyList_Check(o) || PyTuple_Check(o)) {
    for (Py_ssize_t i = 0, n = PySequence_Fast_GET_SIZE(o); i < n; ++i) fill_data(PySequence_Fast_GET_ITEM(o, i), p);
    return;
  }
  Scalar v;
  if (is_tensor(o)) v = unwrap(o).item();
  else to_scalar(o, &v);
  *p++ = v.to<T>();
}

// The common case of torch.tensor(data): a flat list or tuple of Python floats, to a floating
// dtype. One pass reads the doubles straight into the tensor (what scan + fill_data give,
// without a Scalar per element); anything else returns false and takes the general path.
bool flat_floats(PyObject* data, std::optional<DType> dtype, Tensor* out) {
  if (!PyList_CheckExact(data) && !PyTuple_CheckExact(data)) return false;
  const DType dt = dtype ? *dtype : default_dtype();
  if (!is_floating(dt)) return false;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(data);
  PyObject** items = PySequence_Fast_ITEMS(data);
  for (Py_ssize_t i = 0; i < n; ++i)
    if (!PyFloat_CheckExact(items[i])) return false;
  *out = Tensor::empty({int64_t(n)}, dt);
  JANUS_DISPATCH_FLOAT(dt, "tensor", [&]<class scalar_t>() {
    scalar_t* p = out->template data<scalar_t>();
    for (Py_ssize_t i = 0; i < n; ++i) p[i] = scalar_t(PyFloat_AS_DOUBLE(items[i]));
  });
  return true;
}

}  // namespace

Tensor tensor_from_numpy_like(PyObject* arr, bool copy);

Tensor tensor_from_data(PyObject* data, std::optional<DType> dtype) {
  if (is_tensor(data)) {
    const Tensor& t = unwrap(data);
    return ops::contiguous(detach(ops::to_dtype(detach(t), dtype ? *dtype : t.dtype(), true)));
  }
  if (!PyList_Check(data) && !PyTuple_Check(data) && PyObject_HasAttrString(data, "__array_interface__")) {
    Tensor t = tensor_from_numpy_like(data, true);
    return dtype ? ops::to_dtype(t, *dtype, false) : t;
  }
  if (Tensor t; flat_floats(data, dtype, &t)) return t;
  DataScan s;
  scan(data, 0, s);
  DType dt = dtype ? *dtype : s.kind == 2 ? default_dtype() : s.kind == 0 ? DType::Bool : s.kind == 1 ? DType::Int64 : default_dtype();
  Tensor t = Tensor::empty(s.shape, dt);
  JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    scalar_t* p = t.data<scalar_t>();
    fill_data<scalar_t>(data, p);
  });
  return t;
}

PyObject* tensor_tolist(const Tensor& t) {
  if (t.dim() == 0) return scalar_to_py(t.item());
  const int64_t n = t.sizes()[0];
  PyObject* list = PyList_New(n);
  if (!list) return nullptr;
  for (int64_t i = 0; i < n; ++i) {
    Tensor row = t.alias_with(Shape(t.sizes().begin() + 1, t.sizes().end()), Shape(t.strides().begin() + 1, t.strides().end()),
                              t.offset() + i * t.strides()[0]);
    PyObject* item = tensor_tolist(row);
    if (!item) { Py_DECREF(list); return nullptr; }
    PyList_SET_ITEM(list, i, item);
  }
  return list;
}

// numpy (or anything with __array_interface__) -> tensor sharing its memory (copy=false).
static void release_pyobject(void* context, void*) {
  PyGILState_STATE st = PyGILState_Ensure();
  Py_DECREF((PyObject*)context);
  PyGILState_Release(st);
}

// Whether `o` is a numpy.ndarray (or a subclass): only arrays own the memory their
// __array_interface__ points at. A numpy scalar's interface describes a temporary array that is
// freed as soon as the interface dict is built, so its pointer must never be kept or read.
bool is_numpy_ndarray(PyObject* o) {
  PyObject* mro = Py_TYPE(o)->tp_mro;
  if (mro == nullptr) return false;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i) {
    auto* type = reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(mro, i));
    if (std::strcmp(type->tp_name, "numpy.ndarray") == 0) return true;
  }
  return false;
}

Tensor tensor_from_numpy_like(PyObject* arr, bool copy) {
  if (!is_numpy_ndarray(arr)) {
    if (!copy) throw Error(ErrorKind::Type, str_cat("expected np.ndarray (got ", Py_TYPE(arr)->tp_name, ")"));
    // Copying from another array-like (a numpy scalar, ...): materialize a real array first and
    // keep it alive while copying.
    PyObject* numpy = PyImport_ImportModule("numpy");
    if (numpy == nullptr) throw PythonErrorSet{};
    PyObject* real = PyObject_CallMethod(numpy, "asarray", "O", arr);
    Py_DECREF(numpy);
    if (real == nullptr) throw PythonErrorSet{};
    if (!is_numpy_ndarray(real)) {
      Py_DECREF(real);
      throw Error(ErrorKind::Type, str_cat("could not convert ", Py_TYPE(arr)->tp_name, " to a numpy array"));
    }
    try {
      Tensor t = tensor_from_numpy_like(real, true);
      Py_DECREF(real);
      return t;
    } catch (...) {
      Py_DECREF(real);
      throw;
    }
  }
  PyObject* iface = PyObject_GetAttrString(arr, "__array_interface__");
  if (!iface) throw Error(ErrorKind::Type, "expected np.ndarray");
  PyObject* typestr = PyDict_GetItemString(iface, "typestr");
  PyObject* shape = PyDict_GetItemString(iface, "shape");
  PyObject* strides = PyDict_GetItemString(iface, "strides");
  PyObject* datat = PyDict_GetItemString(iface, "data");
  std::string ts = typestr ? PyUnicode_AsUTF8(typestr) : "";
  DType dt;
  if (ts == "<f4") dt = DType::Float32;
  else if (ts == "<f8") dt = DType::Float64;
  else if (ts == "<i8") dt = DType::Int64;
  else if (ts == "<i4") dt = DType::Int32;
  else if (ts == "|b1") dt = DType::Bool;
  else {
    Py_DECREF(iface);
    throw Error(ErrorKind::Type, str_cat("can't convert np.ndarray of type numpy.", ts,
                                         ". The only supported types are: float64, float32, int64, int32, and bool."));
  }
  Shape sizes;
  to_shape(shape, &sizes);
  const int64_t item = int64_t(dtype_size(dt));
  Shape st;
  if (strides && strides != Py_None) {
    to_shape(strides, &st);
    for (auto& x : st) {
      if (x < 0) {
        Py_DECREF(iface);
        throw Error(ErrorKind::Value, "At least one stride in the given numpy array is negative, and tensors with "
                                      "negative strides are not currently supported. (You can probably work around "
                                      "this by making a copy of your array  with array.copy().) ");
      }
      if (x % item) { Py_DECREF(iface); throw Error(ErrorKind::Value, "given numpy array strides not a multiple of the element byte size. Copy the numpy array to reallocate the memory."); }
      x /= item;
    }
  } else {
    st = contiguous_strides(sizes);
  }
  void* ptr = PyLong_AsVoidPtr(PyTuple_GetItem(datat, 0));
  Py_DECREF(iface);
  int64_t span = 1;
  for (size_t i = 0; i < sizes.size(); ++i) span += (sizes[i] - 1) * st[i];
  if (shape_numel(sizes) == 0) span = 0;
  Py_INCREF(arr);
  Ref<Storage> storage = Storage::borrow(ptr, size_t(span * item), release_pyobject, arr);
  Ref<TensorImpl> impl(new TensorImpl);
  impl->storage = storage;
  impl->sizes = sizes;
  impl->strides = st;
  impl->dtype = dt;
  impl->version = Ref<VersionCounter>(new VersionCounter);
  Tensor t(impl);
  return copy ? contiguous_copy(t) : t;
}

}  // namespace janus::py
