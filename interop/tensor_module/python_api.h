// Shared declarations of the _janus extension module: the Tensor, dtype, storage and graph
// node Python types, conversions between Python objects and the C++ tensor API.
#pragma once
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "tensor/ops.h"

namespace janus::py {

// ---- Tensor objects ------------------------------------------------------------------------
struct TensorObject {
  PyObject_HEAD
  Tensor tensor;
};
extern PyTypeObject TensorBaseType;
extern PyTypeObject* tensor_class;  // janus.Tensor (Python subclass); the class new tensors get
// Exact janus.Tensor first: PyType_IsSubtype walks the MRO, and every op argument is checked.
inline bool is_tensor(PyObject* o) {
  PyTypeObject* t = Py_TYPE(o);
  return t == tensor_class || t == &TensorBaseType || PyType_IsSubtype(t, &TensorBaseType);
}
inline const Tensor& unwrap(PyObject* o) { return reinterpret_cast<TensorObject*>(o)->tensor; }
PyObject* wrap(const Tensor& t);                      // new reference; None for undefined
PyObject* wrap_as(const Tensor& t, PyTypeObject* cls);  // a new object of a given subclass
bool init_tensor_type(PyObject* module);
// tensor_object.cpp: _TensorBase's dealloc, and janus.Tensor's registration (its objects are
// then made and, in the common case, freed there directly).
void init_tensor_object(PyTypeObject& base);
bool set_tensor_class_object(PyTypeObject* cls);

// ---- dtypes --------------------------------------------------------------------------------
struct DTypeObject {
  PyObject_HEAD
  DType dtype;
};
extern PyTypeObject DTypeType;
PyObject* dtype_object(DType d);  // borrowed
bool init_dtype_type(PyObject* module);

// ---- storage and graph nodes ---------------------------------------------------------------
bool init_storage_type(PyObject* module);
PyObject* wrap_storage(const Ref<Storage>& s);
bool storage_unwrap(PyObject* o, Ref<Storage>* out);
bool init_node_type(PyObject* module);
PyObject* wrap_node(const Ref<Node>& n);

// ---- conversions ----------------------------------------------------------------------------
// Thrown from C++ callbacks into Python (hooks) when a Python error is already set.
struct PythonErrorSet : std::exception {};
// Translates the active C++ exception into the Python exception PyTorch raises.
void set_python_error();
extern PyObject* out_of_memory_error;  // torch.cuda.OutOfMemoryError, once janus.cuda set it
// Python number -> 0-d "wrapped number" tensor; tensors pass through. False if neither.
bool to_tensor(PyObject* o, Tensor* out);
bool to_scalar(PyObject* o, Scalar* out);
bool to_shape(PyObject* o, Shape* out);
PyObject* scalar_to_py(const Scalar& s);
Tensor tensor_from_data(PyObject* data, std::optional<DType> dtype);  // janus.tensor(...)
PyObject* tensor_tolist(const Tensor& t);

// Registry functions (janus.add, Tensor.add, ...): one object per Python name.
bool init_op_functions(PyObject* module);
bool init_generator_functions(PyObject* module);  // torch.Generator handles (generator.cpp)
PyObject* index_get(const Tensor& self, PyObject* index);
int index_set(const Tensor& self, PyObject* index, PyObject* value);

// Devices (device.cpp): copies through the device backend; on_host(t) is t itself on the CPU.
Tensor to_device(const Tensor& t, Device target, bool non_blocking);
Tensor on_host(const Tensor& t);
PyObject* device_index(const Tensor& t);  // -1 on the CPU
bool init_device_functions(PyObject* module);

#define JANUS_PY_TRY try {
#define JANUS_PY_CATCH(ret) } catch (...) { ::janus::py::set_python_error(); return ret; }

}  // namespace janus::py
