// The Tensor base type (janus.Tensor subclasses it in Python; its objects' lifecycle is in
// tensor_object.cpp): attributes, operators (number, mapping and comparison protocols) and the
// few methods that are not registry ops (size, item, backward, storage access, ...).

#include "interop/tensor_module/python_api.h"
#include "interop/tensor_module/device_dispatch.h"
#include <memory>

#include "tensor/iter.h"

namespace janus::py {

Tensor tensor_from_numpy_like(PyObject* arr, bool copy);

static PyObject* tensor_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  JANUS_PY_TRY
  Py_ssize_t n = PyTuple_GET_SIZE(args);
  Tensor t;
  Shape shape;
  if (n == 0) t = ops::empty({0}, DType::Float32);
  else if (n == 1 && (PyList_Check(PyTuple_GET_ITEM(args, 0)) || PyTuple_Check(PyTuple_GET_ITEM(args, 0))))
    t = tensor_from_data(PyTuple_GET_ITEM(args, 0), DType::Float32);
  else if (to_shape(args, &shape)) t = ops::empty(shape, DType::Float32);
  else if (n == 1 && is_tensor(PyTuple_GET_ITEM(args, 0))) t = unwrap(PyTuple_GET_ITEM(args, 0));
  else { PyErr_SetString(PyExc_TypeError, "new(): invalid arguments to Tensor()"); return nullptr; }
  if (t.impl()->pyobj) t = detach(t);
  return wrap_as(t, type);
  JANUS_PY_CATCH(nullptr)
}

// ---- attributes -----------------------------------------------------------------------------------
static PyObject* make_size(const Shape& s);
static PyObject* size_class = nullptr;  // janus.Size

static PyObject* make_size(const Shape& s) {
  PyObject* tup = PyTuple_New(Py_ssize_t(s.size()));
  for (size_t i = 0; i < s.size(); ++i) PyTuple_SET_ITEM(tup, i, PyLong_FromLongLong(s[i]));
  if (!size_class) return tup;
  PyObject* r = PyObject_CallOneArg(size_class, tup);
  Py_DECREF(tup);
  return r;
}

#define SELF (reinterpret_cast<TensorObject*>(self)->tensor)

static PyObject* get_shape(PyObject* self, void*) { return make_size(SELF.sizes()); }
static PyObject* get_dtype(PyObject* self, void*) { PyObject* d = dtype_object(SELF.dtype()); Py_INCREF(d); return d; }
static PyObject* get_requires_grad(PyObject* self, void*) { return PyBool_FromLong(SELF.requires_grad()); }
static int set_requires_grad(PyObject* self, PyObject* v, void*) {
  if (!v) { PyErr_SetString(PyExc_TypeError, "can't delete requires_grad"); return -1; }
  bool want = PyObject_IsTrue(v);
  if (SELF.impl()->grad_fn) {
    if (!want) {
      PyErr_SetString(PyExc_RuntimeError, "you can only change requires_grad flags of leaf variables. If you want to "
                      "use a computed variable in a subgraph that doesn't require differentiation use "
                      "var_no_grad = var.detach().");
      return -1;
    }
    return 0;
  }
  if (want && !is_floating(SELF.dtype())) {
    PyErr_SetString(PyExc_RuntimeError, "only Tensors of floating point and complex dtype can require gradients");
    return -1;
  }
  SELF.impl()->requires_grad = want;
  return 0;
}
static PyObject* get_grad(PyObject* self, void*) { return wrap(Tensor(SELF.impl()->grad)); }
static int set_grad(PyObject* self, PyObject* v, void*) {
  if (!v || v == Py_None) { SELF.impl()->grad.reset(); return 0; }
  if (!is_tensor(v)) { PyErr_SetString(PyExc_TypeError, "assigned grad expected to be a Tensor or None"); return -1; }
  const Tensor& g = unwrap(v);
  if (g.dtype() != SELF.dtype()) { PyErr_SetString(PyExc_TypeError, "assigned grad has data of a different type"); return -1; }
  if (g.sizes() != SELF.sizes()) { PyErr_SetString(PyExc_RuntimeError, "assigned grad has data of a different size"); return -1; }
  SELF.impl()->grad = g.ref();
  return 0;
}
static PyObject* get_grad_fn(PyObject* self, void*) {
  if (!SELF.impl()->grad_fn) Py_RETURN_NONE;
  return wrap_node(SELF.impl()->grad_fn);
}
static PyObject* get_is_leaf(PyObject* self, void*) { return PyBool_FromLong(!SELF.impl()->grad_fn); }
static PyObject* get_data(PyObject* self, void*) {
  Tensor d = detach(SELF);
  d.impl()->version = Ref<VersionCounter>(new VersionCounter);  // .data changes are invisible to autograd
  return wrap(d);
}
static int set_data(PyObject* self, PyObject* v, void*) {
  if (!v || !is_tensor(v)) { PyErr_SetString(PyExc_TypeError, "data must be a Tensor"); return -1; }
  const Tensor& src = unwrap(v);
  TensorImpl* impl = SELF.impl();
  impl->storage = src.impl()->storage;
  impl->sizes = src.sizes();
  impl->strides = src.strides();
  impl->offset = src.offset();
  impl->dtype = src.dtype();
  return 0;
}
static PyObject* get_ndim(PyObject* self, void*) { return PyLong_FromLongLong(SELF.dim()); }
static PyObject* get_T(PyObject* self, void*) {
  JANUS_PY_TRY
  Shape dims;
  for (int64_t i = SELF.dim() - 1; i >= 0; --i) dims.push_back(i);
  return wrap(ops::permute(SELF, dims));
  JANUS_PY_CATCH(nullptr)
}
static PyObject* get_version(PyObject* self, void*) { return PyLong_FromLongLong(SELF.version()); }
static PyObject* get_array_interface(PyObject* self, void*) {
  static const char* typestr[] = {"|b1", "<i4", "<i8", "<f4", "<f8"};
  const Tensor& t = SELF;
  if (!t.device().is_cpu()) {
    PyErr_Format(PyExc_TypeError, "can't convert %s device type tensor to numpy. Use Tensor.cpu() to copy the "
                 "tensor to host memory first.", device_str(t.device()).c_str());
    return nullptr;
  }
  PyObject* shape = PyTuple_New(t.dim());
  PyObject* strides = PyTuple_New(t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) {
    PyTuple_SET_ITEM(shape, i, PyLong_FromLongLong(t.sizes()[i]));
    PyTuple_SET_ITEM(strides, i, PyLong_FromLongLong(t.strides()[i] * int64_t(t.itemsize())));
  }
  return Py_BuildValue("{s:N,s:s,s:(N,O),s:N,s:i}", "shape", shape, "typestr", typestr[int(t.dtype())], "data",
                       PyLong_FromVoidPtr(t.raw()), Py_False, "strides", strides, "version", 3);
}

static PyObject* get_device_index(PyObject* self, void*) { return device_index(SELF); }
static PyObject* get_retains_grad(PyObject* self, void*) { return PyBool_FromLong(SELF.impl()->retains_grad); }

static PyGetSetDef tensor_getset[] = {
    {"shape", get_shape, nullptr, nullptr, nullptr},
    {"dtype", get_dtype, nullptr, nullptr, nullptr},
    {"requires_grad", get_requires_grad, set_requires_grad, nullptr, nullptr},
    {"grad", get_grad, set_grad, nullptr, nullptr},
    {"grad_fn", get_grad_fn, nullptr, nullptr, nullptr},
    {"is_leaf", get_is_leaf, nullptr, nullptr, nullptr},
    {"data", get_data, set_data, nullptr, nullptr},
    {"ndim", get_ndim, nullptr, nullptr, nullptr},
    {"T", get_T, nullptr, nullptr, nullptr},
    {"_version", get_version, nullptr, nullptr, nullptr},
    {"retains_grad", get_retains_grad, nullptr, nullptr, nullptr},
    {"_device_index", get_device_index, nullptr, nullptr, nullptr},
    {"__array_interface__", get_array_interface, nullptr, nullptr, nullptr},
    {nullptr}};

// ---- methods ------------------------------------------------------------------------------------------
static PyObject* m_size(PyObject* self, PyObject* const* args, Py_ssize_t n) {
  JANUS_PY_TRY
  if (n == 0 || args[0] == Py_None) return make_size(SELF.sizes());
  int64_t d = PyLong_AsLongLong(args[0]);
  if (PyErr_Occurred()) return nullptr;
  if (SELF.dim() == 0) { d = wrap_dim(d, 0); PyErr_SetString(PyExc_IndexError, "dimension specified as 0 but tensor has no dimensions"); return nullptr; }
  return PyLong_FromLongLong(SELF.size(d));
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_stride(PyObject* self, PyObject* const* args, Py_ssize_t n) {
  JANUS_PY_TRY
  if (n == 0 || args[0] == Py_None) {
    PyObject* t = PyTuple_New(SELF.dim());
    for (int64_t i = 0; i < SELF.dim(); ++i) PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(SELF.strides()[i]));
    return t;
  }
  int64_t d = PyLong_AsLongLong(args[0]);
  if (PyErr_Occurred()) return nullptr;
  return PyLong_FromLongLong(SELF.stride(d));
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_dim(PyObject* self, PyObject*) { return PyLong_FromLongLong(SELF.dim()); }
static PyObject* m_numel(PyObject* self, PyObject*) { return PyLong_FromLongLong(SELF.numel()); }
static PyObject* m_is_contiguous(PyObject* self, PyObject*) { return PyBool_FromLong(SELF.is_contiguous()); }
static PyObject* m_is_floating_point(PyObject* self, PyObject*) { return PyBool_FromLong(is_floating(SELF.dtype())); }
static PyObject* m_item(PyObject* self, PyObject*) {
  JANUS_PY_TRY
  return scalar_to_py(on_host(SELF).item());
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_tolist(PyObject* self, PyObject*) {
  JANUS_PY_TRY
  return tensor_tolist(on_host(SELF));
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_detach(PyObject* self, PyObject*) { return wrap(detach(SELF)); }
static PyObject* m_detach_(PyObject* self, PyObject*) {
  if (SELF.impl()->view_base && SELF.requires_grad()) {
    PyErr_SetString(PyExc_RuntimeError, "Can't detach views in-place. Use detach() instead.");
    return nullptr;
  }
  SELF.impl()->grad_fn.reset();
  SELF.impl()->requires_grad = false;
  Py_INCREF(self);
  return self;
}
static PyObject* m_requires_grad_(PyObject* self, PyObject* const* args, Py_ssize_t n, PyObject* kwnames) {
  PyObject* flag = n > 0 ? args[0] : (kwnames && PyTuple_GET_SIZE(kwnames) ? args[0] : Py_True);
  if (set_requires_grad(self, flag, nullptr) < 0) return nullptr;
  Py_INCREF(self);
  return self;
}
static PyObject* m_storage_offset(PyObject* self, PyObject*) { return PyLong_FromLongLong(SELF.offset()); }
static PyObject* m_element_size(PyObject* self, PyObject*) { return PyLong_FromSize_t(SELF.itemsize()); }
static PyObject* m_data_ptr(PyObject* self, PyObject*) { return PyLong_FromVoidPtr(SELF.raw()); }
static PyObject* m_untyped_storage(PyObject* self, PyObject*) { return wrap_storage(SELF.impl()->storage); }
static PyObject* m_set_(PyObject* self, PyObject* const* args, Py_ssize_t n, PyObject* kwnames) {
  JANUS_PY_TRY
  Ref<Storage> storage;
  if (n < 1 || !storage_unwrap(args[0], &storage)) {
    PyErr_SetString(PyExc_TypeError, "set_(): expected (UntypedStorage source, int storage_offset, tuple size, tuple stride)");
    return nullptr;
  }
  int64_t offset = n > 1 ? PyLong_AsLongLong(args[1]) : 0;
  if (offset == -1 && PyErr_Occurred()) return nullptr;
  Shape size, stride;
  if (n > 2 && !to_shape(args[2], &size)) { PyErr_SetString(PyExc_TypeError, "set_(): size must be a tuple of ints"); return nullptr; }
  if (n <= 2) size = {int64_t(storage->nbytes / SELF.itemsize())};
  if (n > 3 && args[3] != Py_None && !to_shape(args[3], &stride)) {
    PyErr_SetString(PyExc_TypeError, "set_(): stride must be a tuple of ints");
    return nullptr;
  }
  if (n <= 3 || args[3] == Py_None) stride = contiguous_strides(size);
  if (offset < 0) { PyErr_SetString(PyExc_RuntimeError, "set_(): storage_offset must be non-negative"); return nullptr; }
  for (int64_t x : size) if (x < 0) { PyErr_SetString(PyExc_RuntimeError, "set_(): negative size"); return nullptr; }
  if (size.size() != stride.size()) { PyErr_SetString(PyExc_RuntimeError, "mismatch in length of strides and shape"); return nullptr; }
  int64_t need = 0;
  if (shape_numel(size) > 0) {
    need = offset + 1;
    for (size_t i = 0; i < size.size(); ++i) need += (size[i] - 1) * stride[i];
  }
  if (need * int64_t(SELF.itemsize()) > int64_t(storage->nbytes))
    runtime_error(str_cat("setStorage: sizes ", shape_str(size), ", strides ", shape_str(stride), ", storage offset ",
                          offset, ", and itemsize ", SELF.itemsize(), " requiring a storage size of ",
                          need * int64_t(SELF.itemsize()), " are out of bounds for storage of size ", storage->nbytes));
  check_inplace(SELF, false);
  TensorImpl* impl = SELF.impl();
  impl->storage = storage;
  impl->sizes = size;
  impl->strides = stride;
  impl->offset = offset;
  SELF.bump_version();
  Py_INCREF(self);
  return self;
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_make_subclass(PyObject*, PyObject* args, PyObject* kwargs) {
  static const char* kw[] = {"cls", "data", "require_grad", nullptr};
  PyObject *cls, *data;
  int require_grad = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|p", (char**)kw, &cls, &data, &require_grad)) return nullptr;
  if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject*)cls, &TensorBaseType) || !is_tensor(data)) {
    PyErr_SetString(PyExc_TypeError, "_make_subclass(): expected a Tensor subclass and a Tensor");
    return nullptr;
  }
  Tensor t = detach(unwrap(data));
  t.impl()->view_base.reset();
  if (require_grad && !is_floating(t.dtype())) {
    PyErr_SetString(PyExc_RuntimeError, "only Tensors of floating point and complex dtype can require gradients");
    return nullptr;
  }
  t.impl()->requires_grad = require_grad;
  return wrap_as(t, (PyTypeObject*)cls);
}
static PyObject* m_iter(PyObject* self) {
  JANUS_PY_TRY
  if (SELF.dim() == 0) { PyErr_SetString(PyExc_TypeError, "iteration over a 0-d tensor"); return nullptr; }
  PyObject* tup = PyTuple_New(SELF.sizes()[0]);
  for (int64_t i = 0; i < SELF.sizes()[0]; ++i) {
    PyObject* item = wrap(ops::select(SELF, 0, i));
    if (!item) { Py_DECREF(tup); return nullptr; }
    PyTuple_SET_ITEM(tup, i, item);
  }
  PyObject* it = PyObject_GetIter(tup);
  Py_DECREF(tup);
  return it;
  JANUS_PY_CATCH(nullptr)
}

// _register_hook(fn): fn(grad) -> Tensor or None, run by the engine (which holds the GIL).
static PyObject* m_register_hook(PyObject* self, PyObject* fn) {
  JANUS_PY_TRY
  Py_INCREF(fn);
  std::shared_ptr<PyObject> callable(fn, [](PyObject* o) { Py_DECREF(o); });
  register_hook(SELF, [callable](const Tensor& g) -> Tensor {
    PyObject* arg = wrap(g);
    PyObject* r = PyObject_CallOneArg(callable.get(), arg);
    Py_XDECREF(arg);
    if (!r) throw PythonErrorSet();
    Tensor out;
    if (r != Py_None) {
      if (!is_tensor(r)) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_TypeError, "a tensor hook must return a Tensor or None");
        throw PythonErrorSet();
      }
      out = unwrap(r);
    }
    Py_DECREF(r);
    return out;
  });
  Py_RETURN_NONE;
  JANUS_PY_CATCH(nullptr)
}
static PyObject* m_retain_grad(PyObject* self, PyObject*) {
  JANUS_PY_TRY
  retain_grad(SELF);
  Py_RETURN_NONE;
  JANUS_PY_CATCH(nullptr)
}

static PyMethodDef tensor_methods[] = {
    {"_register_hook", m_register_hook, METH_O, nullptr},
    {"retain_grad", m_retain_grad, METH_NOARGS, nullptr},
    {"size", (PyCFunction)(void (*)())m_size, METH_FASTCALL, nullptr},
    {"stride", (PyCFunction)(void (*)())m_stride, METH_FASTCALL, nullptr},
    {"dim", m_dim, METH_NOARGS, nullptr},
    {"ndimension", m_dim, METH_NOARGS, nullptr},
    {"numel", m_numel, METH_NOARGS, nullptr},
    {"nelement", m_numel, METH_NOARGS, nullptr},
    {"is_contiguous", m_is_contiguous, METH_NOARGS, nullptr},
    {"is_floating_point", m_is_floating_point, METH_NOARGS, nullptr},
    {"item", m_item, METH_NOARGS, nullptr},
    {"tolist", m_tolist, METH_NOARGS, nullptr},
    {"detach", m_detach, METH_NOARGS, nullptr},
    {"detach_", m_detach_, METH_NOARGS, nullptr},
    {"requires_grad_", (PyCFunction)(void (*)())m_requires_grad_, METH_FASTCALL | METH_KEYWORDS, nullptr},
    {"storage_offset", m_storage_offset, METH_NOARGS, nullptr},
    {"element_size", m_element_size, METH_NOARGS, nullptr},
    {"data_ptr", m_data_ptr, METH_NOARGS, nullptr},
    {"untyped_storage", m_untyped_storage, METH_NOARGS, nullptr},
    {"set_", (PyCFunction)(void (*)())m_set_, METH_FASTCALL | METH_KEYWORDS, nullptr},
    {"_make_subclass", (PyCFunction)(void (*)())m_make_subclass, METH_VARARGS | METH_KEYWORDS | METH_STATIC, nullptr},
    {nullptr}};

// ---- operators --------------------------------------------------------------------------------------
template <class F>
static PyObject* binary(PyObject* a, PyObject* b, F f) {
  Tensor x, y;
  if (!to_tensor(a, &x) || !to_tensor(b, &y)) Py_RETURN_NOTIMPLEMENTED;
  JANUS_PY_TRY
  return wrap(f(x, y));
  JANUS_PY_CATCH(nullptr)
}
template <class F>
static PyObject* inplace(PyObject* a, PyObject* b, F f) {
  Tensor y;
  if (!is_tensor(a) || !to_tensor(b, &y)) Py_RETURN_NOTIMPLEMENTED;
  JANUS_PY_TRY
  f(unwrap(a), y);
  Py_INCREF(a);
  return a;
  JANUS_PY_CATCH(nullptr)
}
static const Scalar kOne(int64_t(1));
static PyObject* nb_add(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::add, "add", x, y, kOne); }); }
static PyObject* nb_sub(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::sub, "sub", x, y, kOne); }); }
static PyObject* nb_mul(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::mul, "mul", x, y); }); }
static PyObject* nb_truediv(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::div, "div", x, y); }); }
static PyObject* nb_floordiv(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::floor_divide, "floor_divide", x, y); }); }
static PyObject* nb_rem(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::remainder, "remainder", x, y); }); }
static PyObject* nb_matmul(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::matmul, "matmul", x, y); }); }
// tensor ** number: pow(Tensor, Scalar) without a wrapped-number tensor for the exponent (the
// same result: pow takes that path for a wrapped-number exponent of a floating tensor).
static PyObject* nb_pow(PyObject* a, PyObject* b, PyObject*) {
  if (is_tensor(a) && (PyFloat_CheckExact(b) || PyLong_CheckExact(b)) && is_floating(unwrap(a).dtype()) &&
      on_cpu(unwrap(a))) {
    Scalar e(false);  // stays a bool: not an exponent taken here
    if (PyFloat_CheckExact(b)) {
      e = Scalar(PyFloat_AS_DOUBLE(b));
    } else {
      int overflow = 0;
      const long long v = PyLong_AsLongLongAndOverflow(b, &overflow);
      if (!overflow) e = Scalar(int64_t(v));
    }
    if (e.kind != Scalar::Kind::Bool) {  // else: an int beyond int64, the general path
      JANUS_PY_TRY
      return wrap(ops::pow_scalar(unwrap(a), e));
      JANUS_PY_CATCH(nullptr)
    }
  }
  return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::pow, "pow", x, y); });
}
static PyObject* nb_and(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::bitwise_and, "bitwise_and", x, y); }); }
static PyObject* nb_or(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::bitwise_or, "bitwise_or", x, y); }); }
static PyObject* nb_xor(PyObject* a, PyObject* b) { return binary(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::bitwise_xor, "bitwise_xor", x, y); }); }
static PyObject* nb_iadd(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::add_, "add_", x, y, kOne); }); }
static PyObject* nb_isub(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::sub_, "sub_", x, y, kOne); }); }
static PyObject* nb_imul(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::mul_, "mul_", x, y); }); }
static PyObject* nb_itruediv(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::div_, "div_", x, y); }); }
static PyObject* nb_ipow(PyObject* a, PyObject* b, PyObject*) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::pow_, "pow_", x, y); }); }
static PyObject* nb_ifloordiv(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::floor_divide_, "floor_divide_", x, y); }); }
static PyObject* nb_irem(PyObject* a, PyObject* b) { return inplace(a, b, [](const Tensor& x, const Tensor& y) { return call_op(&ops::remainder_, "remainder_", x, y); }); }
static PyObject* nb_neg(PyObject* a) { JANUS_PY_TRY return wrap(call_op(&ops::neg, "neg", unwrap(a))); JANUS_PY_CATCH(nullptr) }
static PyObject* nb_pos(PyObject* a) { Py_INCREF(a); return a; }
static PyObject* nb_abs(PyObject* a) { JANUS_PY_TRY return wrap(call_op(&ops::abs, "abs", unwrap(a))); JANUS_PY_CATCH(nullptr) }
static PyObject* nb_invert(PyObject* a) { JANUS_PY_TRY return wrap(call_op(&ops::bitwise_not, "bitwise_not", unwrap(a))); JANUS_PY_CATCH(nullptr) }
static int nb_bool(PyObject* a) {
  JANUS_PY_TRY
  const Tensor t = on_host(unwrap(a));
  if (t.numel() != 1) {
    PyErr_SetString(PyExc_RuntimeError, str_cat("Boolean value of Tensor with ", t.numel() == 0 ? "no values" : "more than one value", " is ambiguous").c_str());
    return -1;
  }
  return t.item().to_bool();
  JANUS_PY_CATCH(-1)
}
static PyObject* nb_float(PyObject* a) { JANUS_PY_TRY return PyFloat_FromDouble(on_host(unwrap(a)).item().to_double()); JANUS_PY_CATCH(nullptr) }
static PyObject* nb_int(PyObject* a) {
  JANUS_PY_TRY
  Scalar s = on_host(unwrap(a)).item();
  if (s.is_floating()) return PyLong_FromDouble(s.v.d);
  return PyLong_FromLongLong(s.to_int());
  JANUS_PY_CATCH(nullptr)
}
static PyObject* nb_index(PyObject* a) {
  JANUS_PY_TRY
  const Tensor t = on_host(unwrap(a));
  if (t.numel() != 1 || is_floating(t.dtype())) {
    PyErr_SetString(PyExc_TypeError, "only integer tensors of a single element can be converted to an index");
    return nullptr;
  }
  return PyLong_FromLongLong(t.item().to_int());
  JANUS_PY_CATCH(nullptr)
}

static PyNumberMethods tensor_as_number = {};

static PyObject* richcompare(PyObject* a, PyObject* b, int op) {
  Tensor x, y;
  if (!to_tensor(a, &x) || !to_tensor(b, &y)) {
    if (op == Py_EQ) Py_RETURN_FALSE;
    if (op == Py_NE) Py_RETURN_TRUE;
    Py_RETURN_NOTIMPLEMENTED;
  }
  JANUS_PY_TRY
  switch (op) {
    case Py_EQ: return wrap(call_op(&ops::eq, "eq", x, y));
    case Py_NE: return wrap(call_op(&ops::ne, "ne", x, y));
    case Py_LT: return wrap(call_op(&ops::lt, "lt", x, y));
    case Py_LE: return wrap(call_op(&ops::le, "le", x, y));
    case Py_GT: return wrap(call_op(&ops::gt, "gt", x, y));
    case Py_GE: return wrap(call_op(&ops::ge, "ge", x, y));
  }
  Py_RETURN_NOTIMPLEMENTED;
  JANUS_PY_CATCH(nullptr)
}

static Py_ssize_t mp_length(PyObject* self) {
  if (SELF.dim() == 0) { PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor"); return -1; }
  return Py_ssize_t(SELF.sizes()[0]);
}
static PyObject* mp_subscript(PyObject* self, PyObject* index) {
  JANUS_PY_TRY
  return index_get(SELF, index);
  JANUS_PY_CATCH(nullptr)
}
static int mp_ass_subscript(PyObject* self, PyObject* index, PyObject* value) {
  if (!value) { PyErr_SetString(PyExc_TypeError, "'Tensor' object does not support item deletion"); return -1; }
  JANUS_PY_TRY
  return index_set(SELF, index, value);
  JANUS_PY_CATCH(-1)
}
static PyMappingMethods tensor_as_mapping = {mp_length, mp_subscript, mp_ass_subscript};
static PySequenceMethods tensor_as_sequence = {};

static Py_hash_t tensor_hash(PyObject* self) { return _Py_HashPointer(self); }

PyTypeObject TensorBaseType = {PyVarObject_HEAD_INIT(nullptr, 0)};

static PyObject* set_tensor_class(PyObject*, PyObject* const* args, Py_ssize_t n) {
  if (n != 2 || !PyType_Check(args[0])) { PyErr_SetString(PyExc_TypeError, "_set_tensor_class(cls, size_cls)"); return nullptr; }
  if (!set_tensor_class_object((PyTypeObject*)args[0])) return nullptr;
  Py_INCREF(args[1]);
  size_class = args[1];
  Py_RETURN_NONE;
}
static PyMethodDef set_class_def = {"_set_tensor_class", (PyCFunction)(void (*)())set_tensor_class, METH_FASTCALL, nullptr};

bool init_tensor_type(PyObject* module) {
  PyNumberMethods& nb = tensor_as_number;
  nb.nb_add = nb_add; nb.nb_subtract = nb_sub; nb.nb_multiply = nb_mul; nb.nb_true_divide = nb_truediv;
  nb.nb_floor_divide = nb_floordiv; nb.nb_remainder = nb_rem; nb.nb_matrix_multiply = nb_matmul; nb.nb_power = nb_pow;
  nb.nb_and = nb_and; nb.nb_or = nb_or; nb.nb_xor = nb_xor;
  nb.nb_inplace_add = nb_iadd; nb.nb_inplace_subtract = nb_isub; nb.nb_inplace_multiply = nb_imul;
  nb.nb_inplace_true_divide = nb_itruediv; nb.nb_inplace_power = nb_ipow;
  nb.nb_inplace_floor_divide = nb_ifloordiv; nb.nb_inplace_remainder = nb_irem;
  nb.nb_negative = nb_neg; nb.nb_positive = nb_pos; nb.nb_absolute = nb_abs; nb.nb_invert = nb_invert;
  nb.nb_bool = nb_bool; nb.nb_float = nb_float; nb.nb_int = nb_int; nb.nb_index = nb_index;

  PyTypeObject& t = TensorBaseType;
  t.tp_name = "janus._TensorBase";
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
  init_tensor_object(t);
  t.tp_new = tensor_new;
  t.tp_getset = tensor_getset;
  t.tp_methods = tensor_methods;
  t.tp_as_number = &tensor_as_number;
  t.tp_as_mapping = &tensor_as_mapping;
  t.tp_as_sequence = &tensor_as_sequence;
  t.tp_richcompare = richcompare;
  t.tp_hash = tensor_hash;
  t.tp_iter = m_iter;
  if (PyType_Ready(&t) < 0) return false;
  Py_INCREF(&t);
  PyModule_AddObject(module, "_TensorBase", (PyObject*)&t);
  PyObject* f = PyCFunction_New(&set_class_def, nullptr);
  PyModule_AddObject(module, "_set_tensor_class", f);
  return true;
}

}  // namespace janus::py
