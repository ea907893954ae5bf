// Tensor.__getitem__/__setitem__: ints, slices (with steps), None, Ellipsis become views; integer
// and boolean tensors (or lists) become one advanced-indexing op over that view.
#include <algorithm>

#include "interop/tensor_module/python_api.h"

namespace janus::py {

namespace {

struct Advanced {
  int64_t dim;
  Tensor index;
};

Tensor index_tensor(PyObject* item) {
  if (is_tensor(item)) return unwrap(item);
  return tensor_from_data(item, std::nullopt);
}

int64_t consumed_by(PyObject* item) {
  if (item == Py_None || item == Py_Ellipsis) return 0;
  if (is_tensor(item) && unwrap(item).dtype() == DType::Bool) return std::max<int64_t>(unwrap(item).dim(), 1);
  return 1;
}

// Applies the basic part of an index; collects the advanced part.
Tensor apply_basic(const Tensor& self, PyObject* index, std::vector<Advanced>& adv) {
  PyObject* tup = PyTuple_Check(index) ? index : nullptr;
  Py_ssize_t n = tup ? PyTuple_GET_SIZE(tup) : 1;
  auto get = [&](Py_ssize_t i) { return tup ? PyTuple_GET_ITEM(tup, i) : index; };
  int64_t total = 0;
  bool ellipsis = false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = get(i);
    if (item == Py_Ellipsis) {
      if (ellipsis) fail(ErrorKind::Index, "an index can only have a single ellipsis ('...')");
      ellipsis = true;
    }
    total += consumed_by(item);
  }
  if (total > self.dim())
    fail(ErrorKind::Index, str_cat("too many indices for tensor of dimension ", self.dim()));
  Tensor result = self;
  int64_t dim = 0, src_dim = 0;  // position in the result, and in self (for error messages)
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = get(i);
    src_dim += item == Py_Ellipsis ? self.dim() - total : consumed_by(item);
    if (item == Py_None) {
      result = ops::unsqueeze(result, dim);
      ++dim;
    } else if (item == Py_Ellipsis) {
      dim += self.dim() - total;
    } else if (PyLong_Check(item) && !PyBool_Check(item)) {
      int64_t v = PyLong_AsLongLong(item);
      if (v == -1 && PyErr_Occurred()) { PyErr_Clear(); fail(ErrorKind::Index, "index out of range"); }
      int64_t size = result.sizes()[dim];
      if (v < -size || v >= size)
        fail(ErrorKind::Index, str_cat("index ", v, " is out of bounds for dimension ", src_dim - 1, " with size ", size));
      result = ops::select(result, dim, v);
    } else if (PySlice_Check(item)) {
      Py_ssize_t start, stop, step;
      if (PySlice_Unpack(item, &start, &stop, &step) < 0) { PyErr_Clear(); fail(ErrorKind::Type, "invalid slice"); }
      if (step <= 0) fail(ErrorKind::Value, "step must be greater than zero");
      PySliceObject* s = (PySliceObject*)item;
      std::optional<int64_t> b, e;
      if (s->start != Py_None) b = int64_t(start);
      if (s->stop != Py_None) e = int64_t(stop);
      result = ops::slice(result, dim, b, e, step);
      ++dim;
    } else if (is_tensor(item) || PyList_Check(item) || PyTuple_Check(item) ||
               PyObject_HasAttrString(item, "__array_interface__")) {
      Tensor t = index_tensor(item);
      if (is_floating(t.dtype()))
        fail(ErrorKind::Index, "tensors used as indices must be long, int, byte or bool tensors");
      adv.push_back({dim, t});
      dim += t.dtype() == DType::Bool ? std::max<int64_t>(t.dim(), 1) : 1;
    } else if (PyIndex_Check(item)) {
      Py_ssize_t v = PyNumber_AsSsize_t(item, PyExc_IndexError);
      if (v == -1 && PyErr_Occurred()) throw PythonErrorSet();
      result = ops::select(result, dim, v);
    } else {
      // Anything else goes through tensor construction, as in PyTorch (a str is a TypeError there).
      Tensor t = index_tensor(item);
      fail(ErrorKind::Index, str_cat("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                                     "are valid indices (got ", Py_TYPE(item)->tp_name, ")"));
    }
  }
  return result;
}

TensorList advanced_list(const std::vector<Advanced>& adv) {
  TensorList list;
  int64_t pos = 0;
  for (const Advanced& a : adv) {
    while (pos < a.dim) list.push_back(Tensor()), ++pos;
    list.push_back(a.index);
    pos += a.index.dtype() == DType::Bool ? std::max<int64_t>(a.index.dim(), 1) : 1;
  }
  return list;
}

}  // namespace

// Writing through an index runs CPU kernels directly: refuse other devices until they have kernels.
static bool indexing_on_cpu(const Tensor& self) {
  if (self.device().is_cpu()) return true;
  PyErr_Format(PyExc_NotImplementedError, "Janus has no %s kernel for tensor indexing yet (tensor on device '%s')",
               device_type_name(self.device().type), device_str(self.device()).c_str());
  return false;
}

// Reading an index of a tensor on a device: janus.cuda._device_getitem spells it in registry ops
// (select, narrow, unsqueeze, index_select), each with its device kernel and gradient.
static PyObject* device_index_get(const Tensor& self, PyObject* index) {
  PyObject* module = PyImport_ImportModule("janus.cuda");
  if (!module) return nullptr;
  PyObject* fn = PyObject_GetAttrString(module, "_device_getitem");
  Py_DECREF(module);
  if (!fn) return nullptr;
  PyObject* t = wrap(self);
  PyObject* r = t ? PyObject_CallFunctionObjArgs(fn, t, index, nullptr) : nullptr;
  Py_XDECREF(t);
  Py_DECREF(fn);
  return r;
}

PyObject* index_get(const Tensor& self, PyObject* index) {
  if (!self.device().is_cpu()) [[unlikely]] return device_index_get(self, index);
  if (PyLong_CheckExact(index) && self.dim() > 0) {
    int64_t v = PyLong_AsLongLong(index);
    int64_t size = self.sizes()[0];
    if (v >= -size && v < size) return wrap(ops::select(self, 0, v));
    PyErr_Clear();
  }
  std::vector<Advanced> adv;
  Tensor view = apply_basic(self, index, adv);
  for (const Advanced& a : adv)
    if (!a.index.device().is_cpu()) [[unlikely]] {  // a CPU kernel must never read device memory
      PyErr_SetString(PyExc_RuntimeError,
                      "indices should be either on cpu or on the same device as the indexed tensor (cpu)");
      return nullptr;
    }
  if (!adv.empty()) return wrap(ops::index(view, advanced_list(adv)));
  if (view.same(self)) view = ops::slice(ops::unsqueeze(self, 0), 0, std::nullopt, std::nullopt, 1), view = ops::squeeze_dim(view, 0);
  return wrap(view);
}

int index_set(const Tensor& self, PyObject* index, PyObject* value) {
  if (!indexing_on_cpu(self)) return -1;
  Tensor v;
  if (is_tensor(value)) {
    v = unwrap(value);
  } else {
    Scalar s;
    if (to_scalar(value, &s)) v = ops::scalar_tensor(s, self.dtype());
    else v = tensor_from_data(value, self.dtype());
  }
  std::vector<Advanced> adv;
  Tensor view = apply_basic(self, index, adv);
  if (!adv.empty()) ops::index_put_(view, advanced_list(adv), v, false);
  else ops::copy_(view, v);
  if (!view.same(self)) self.bump_version();
  return 0;
}

}  // namespace janus::py
