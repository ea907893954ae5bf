// PyInit__janus: the module's types, the registry functions and the module-level functions that
// are not ops (grad mode, backward, seeds, default dtype, numpy bridge).
#include "interop/tensor_describe_abi.h"
#include "interop/tensor_module/python_api.h"

namespace janus::py {

Tensor tensor_from_numpy_like(PyObject* arr, bool copy);

namespace {

PyObject* f_tensor(PyObject*, PyObject* const* args, Py_ssize_t n) {
  JANUS_PY_TRY
  if (n < 1) { PyErr_SetString(PyExc_TypeError, "tensor() missing required argument 'data'"); return nullptr; }
  std::optional<DType> dt;
  if (n > 1 && args[1] != Py_None) {
    if (!PyObject_TypeCheck(args[1], &DTypeType)) { PyErr_SetString(PyExc_TypeError, "dtype must be a janus.dtype"); return nullptr; }
    dt = reinterpret_cast<DTypeObject*>(args[1])->dtype;
  }
  return wrap(tensor_from_data(args[0], dt));
  JANUS_PY_CATCH(nullptr)
}

PyObject* f_from_numpy(PyObject*, PyObject* arr) {
  JANUS_PY_TRY
  return wrap(tensor_from_numpy_like(arr, false));
  JANUS_PY_CATCH(nullptr)
}

PyObject* f_manual_seed(PyObject*, PyObject* arg) {
  unsigned long long s = PyLong_AsUnsignedLongLongMask(arg);
  if (PyErr_Occurred()) return nullptr;
  ops::manual_seed(s);
  Py_RETURN_NONE;
}
PyObject* f_initial_seed(PyObject*, PyObject*) { return PyLong_FromUnsignedLongLong(ops::initial_seed()); }
PyObject* f_seed(PyObject*, PyObject*) { return PyLong_FromUnsignedLongLong(ops::seed()); }
PyObject* f_is_grad_enabled(PyObject*, PyObject*) { return PyBool_FromLong(grad_enabled()); }
PyObject* f_set_grad_enabled(PyObject*, PyObject* arg) {
  set_grad_enabled(PyObject_IsTrue(arg));
  Py_RETURN_NONE;
}
PyObject* f_get_default_dtype(PyObject*, PyObject*) {
  PyObject* d = dtype_object(default_dtype());
  Py_INCREF(d);
  return d;
}
PyObject* f_set_default_dtype(PyObject*, PyObject* arg) {
  JANUS_PY_TRY
  if (!PyObject_TypeCheck(arg, &DTypeType)) { PyErr_SetString(PyExc_TypeError, "set_default_dtype expects a dtype"); return nullptr; }
  set_default_dtype(reinterpret_cast<DTypeObject*>(arg)->dtype);
  Py_RETURN_NONE;
  JANUS_PY_CATCH(nullptr)
}

bool tensor_list(PyObject* o, TensorList* out, bool allow_none, const char* what) {
  out->clear();
  if (o == Py_None) return true;
  if (is_tensor(o)) { out->push_back(unwrap(o)); return true; }
  PyObject* seq = PySequence_Fast(o, what);
  if (!seq) return false;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
    if (item == Py_None && allow_none) { out->push_back(Tensor()); continue; }
    if (!is_tensor(item)) {
      Py_DECREF(seq);
      PyErr_Format(PyExc_TypeError, "%s: expected a Tensor, got %s", what, Py_TYPE(item)->tp_name);
      return false;
    }
    out->push_back(unwrap(item));
  }
  Py_DECREF(seq);
  return true;
}

// _backward(tensors, grad_tensors, retain_graph, create_graph)
PyObject* f_backward(PyObject*, PyObject* const* args, Py_ssize_t n) {
  JANUS_PY_TRY
  if (n != 4) { PyErr_SetString(PyExc_TypeError, "_backward takes 4 arguments"); return nullptr; }
  TensorList roots, grads;
  if (!tensor_list(args[0], &roots, false, "backward") || !tensor_list(args[1], &grads, true, "backward")) return nullptr;
  bool create = PyObject_IsTrue(args[3]);
  bool retain = args[2] == Py_None ? create : PyObject_IsTrue(args[2]);
  backward(roots, grads, retain, create);
  Py_RETURN_NONE;
  JANUS_PY_CATCH(nullptr)
}

// _grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)
PyObject* f_grad(PyObject*, PyObject* const* args, Py_ssize_t n) {
  JANUS_PY_TRY
  if (n != 6) { PyErr_SetString(PyExc_TypeError, "_grad takes 6 arguments"); return nullptr; }
  TensorList outs, ins, gouts;
  if (!tensor_list(args[0], &outs, false, "grad") || !tensor_list(args[1], &ins, false, "grad") ||
      !tensor_list(args[2], &gouts, true, "grad"))
    return nullptr;
  bool create = PyObject_IsTrue(args[4]);
  bool retain = args[3] == Py_None ? create : PyObject_IsTrue(args[3]);
  TensorList r = grad(outs, ins, gouts, retain, create, PyObject_IsTrue(args[5]));
  PyObject* tup = PyTuple_New(Py_ssize_t(r.size()));
  for (size_t i = 0; i < r.size(); ++i) PyTuple_SET_ITEM(tup, i, wrap(r[i]));
  return tup;
  JANUS_PY_CATCH(nullptr)
}

PyMethodDef module_methods[] = {
    {"_tensor", (PyCFunction)(void (*)())f_tensor, METH_FASTCALL, "tensor(data, dtype) from nested Python data"},
    {"from_numpy", f_from_numpy, METH_O, "a tensor sharing the numpy array's memory"},
    {"manual_seed", f_manual_seed, METH_O, nullptr},
    {"_initial_seed", f_initial_seed, METH_NOARGS, nullptr},
    {"_seed", f_seed, METH_NOARGS, nullptr},
    {"is_grad_enabled", f_is_grad_enabled, METH_NOARGS, nullptr},
    {"_set_grad_enabled", f_set_grad_enabled, METH_O, nullptr},
    {"get_default_dtype", f_get_default_dtype, METH_NOARGS, nullptr},
    {"_set_default_dtype", f_set_default_dtype, METH_O, nullptr},
    {"_backward", (PyCFunction)(void (*)())f_backward, METH_FASTCALL, nullptr},
    {"_grad", (PyCFunction)(void (*)())f_grad, METH_FASTCALL, nullptr},
    {nullptr}};

PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_janus", "Janus tensor runtime (C++ core binding)", -1,
                          module_methods};

}  // namespace
}  // namespace janus::py

namespace {

// For janus-python's site profiles (interop/tensor_describe_abi.h).
int describe_tensor_for_profiles(PyObject* value, JanusTensorDescription* out) {
  if (!janus::py::is_tensor(value)) return 0;
  const janus::Tensor& t = janus::py::unwrap(value);
  if (!t.defined()) return 0;
  out->dtype = janus::dtype_name(t.dtype());
  out->device = "cpu";
  out->ndim = static_cast<int>(t.sizes().size());
  for (int i = 0; i < out->ndim && i < out->max_dims; ++i) out->shape[i] = t.sizes()[i];
  out->requires_grad = t.requires_grad() ? 1 : 0;
  return 1;
}

bool add_describe_capsule(PyObject* module) {
  PyObject* capsule = PyCapsule_New(reinterpret_cast<void*>(&describe_tensor_for_profiles),
                                    JANUS_TENSOR_DESCRIBE_CAPSULE, nullptr);
  if (capsule == nullptr) return false;
  int status = PyModule_AddObjectRef(module, "_tensor_describe", capsule);
  Py_DECREF(capsule);
  return status == 0;
}

}  // namespace

PyMODINIT_FUNC PyInit__janus() {
  using namespace janus::py;
  PyObject* m = PyModule_Create(&module_def);
  if (!m) return nullptr;
  try {
    if (!init_dtype_type(m) || !init_tensor_type(m) || !init_storage_type(m) || !init_node_type(m) ||
        !init_op_functions(m) || !init_generator_functions(m) || !add_describe_capsule(m) ||
        !init_device_functions(m)) {
      Py_DECREF(m);
      return nullptr;
    }
  } catch (...) {
    set_python_error();
    Py_DECREF(m);
    return nullptr;
  }
  return m;
}
