// Devices at the Python boundary: Tensor._device_index, janus._C._to_device, and the copy to
// the host that item()/tolist() make for a tensor on a device. The copies themselves belong
// to the device backend (registered under kToDeviceOp); with none loaded, they raise.
#include <cstring>

#include "interop/tensor_module/python_api.h"
#include "interop/tensor_module/device_dispatch.h"

namespace janus::py {

// The kernel for an op whose tensors are not all on the CPU: the mixed-device error first,
// then the device backend's registered kernel, or NotImplementedError naming op and device.
ErasedOp device_kernel(const char* cpp_name, const std::vector<const Tensor*>& tensors) {
  // copy_ is the one op whose operands may live on different devices (as in PyTorch).
  if (std::strcmp(cpp_name, "copy_") != 0) check_same_device(cpp_name, tensors);
  Device device;
  for (const Tensor* t : tensors) if (t->defined() && !t->device().is_cpu()) device = t->device();
  ErasedOp kernel = find_device_op(device.type, cpp_name);
  if (!kernel)
    fail(ErrorKind::NotImplemented, str_cat("Janus has no ", device_type_name(device.type), " kernel for '",
                                            cpp_name, "' yet (tensor on device '", device_str(device), "')"));
  return kernel;
}


Tensor to_device(const Tensor& t, Device target, bool non_blocking) {
  Device from = t.device();
  if (from == target || (from.is_cpu() && target.is_cpu())) return t;
  DeviceType backend = from.is_cpu() ? target.type : from.type;
  auto copy = reinterpret_cast<ToDeviceFn>(find_device_op(backend, kToDeviceOp));
  if (!copy)
    fail(ErrorKind::Runtime, str_cat("Janus's ", device_type_name(backend),
                                     " backend is not loaded: cannot copy a tensor from ", device_str(from), " to ",
                                     device_str(target)));
  return copy(t, target, non_blocking);
}

// item(), tolist(), repr: a read of the values, not an op autograd follows.
Tensor on_host(const Tensor& t) {
  if (t.device().is_cpu()) return t;
  NoGradGuard no_grad;
  return to_device(t, Device{}, false);
}

PyObject* device_index(const Tensor& t) {
  Device d = t.device();
  return PyLong_FromLong(d.is_cpu() ? -1 : d.index);
}

// _to_device(tensor, "cuda:0", non_blocking) -> the tensor itself when already there.
static PyObject* py_to_device(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3 || !is_tensor(args[0]) || !PyUnicode_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "_to_device(tensor, device_string, non_blocking)");
    return nullptr;
  }
  JANUS_PY_TRY
  Device d = parse_device(PyUnicode_AsUTF8(args[1]));
  return wrap(to_device(unwrap(args[0]), d, PyObject_IsTrue(args[2])));
  JANUS_PY_CATCH(nullptr)
}

// janus.cuda hands its OutOfMemoryError class here, so device OOMs raise it.
static PyObject* py_set_out_of_memory_error(PyObject*, PyObject* cls) {
  Py_XSETREF(out_of_memory_error, Py_NewRef(cls));
  Py_RETURN_NONE;
}

// Test hook, for machines with no GPU: a view of a CPU tensor's memory whose storage *claims*
// another device, so the device checks made before any kernel can be tested. The memory is
// host memory: a check that failed to fire would read it, never crash.
static void release_claim(void* context, void*) { delete static_cast<Ref<Storage>*>(context); }
static PyObject* py_claiming_device(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2 || !is_tensor(args[0]) || !PyUnicode_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "_test_tensor_claiming_device(tensor, device_string)");
    return nullptr;
  }
  JANUS_PY_TRY
  const Tensor& t = unwrap(args[0]);
  Device d = parse_device(PyUnicode_AsUTF8(args[1]));
  const Ref<Storage>& real = t.impl()->storage;
  Ref<Storage> claim = Storage::borrow(real->data, real->nbytes, release_claim, new Ref<Storage>(real));
  claim->device = d;
  Tensor out = t.alias_with(t.sizes(), t.strides(), t.offset());
  out.impl()->storage = claim;
  out.impl()->view_base.reset();
  return wrap(out);
  JANUS_PY_CATCH(nullptr)
}

// _empty_on(size, dtype, "cuda:0"): an uninitialized tensor made on that device directly
// (factories must not build a CPU tensor first: an OOM has to be the device's).
static PyObject* py_empty_on(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  Shape size;
  if (nargs != 3 || !to_shape(args[0], &size) || !PyObject_TypeCheck(args[1], &DTypeType) ||
      !PyUnicode_Check(args[2])) {
    PyErr_SetString(PyExc_TypeError, "_empty_on(size, dtype, device_string)");
    return nullptr;
  }
  JANUS_PY_TRY
  Device d = parse_device(PyUnicode_AsUTF8(args[2]));
  DType dtype = reinterpret_cast<DTypeObject*>(args[1])->dtype;
  if (d.is_cpu()) return wrap(Tensor::empty(size, dtype));
  auto make = reinterpret_cast<EmptyOnFn>(find_device_op(d.type, kEmptyOnOp));
  if (!make) fail(ErrorKind::Runtime, str_cat("Janus's ", device_type_name(d.type), " backend is not loaded"));
  return wrap(make(size, dtype, d));
  JANUS_PY_CATCH(nullptr)
}

static PyMethodDef device_functions[] = {
    {"_empty_on", (PyCFunction)(void (*)())py_empty_on, METH_FASTCALL, nullptr},
    {"_test_tensor_claiming_device", (PyCFunction)(void (*)())py_claiming_device, METH_FASTCALL, nullptr},
    {"_set_out_of_memory_error", py_set_out_of_memory_error, METH_O, nullptr},
    {"_to_device", (PyCFunction)(void (*)())py_to_device, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr}};

bool init_device_functions(PyObject* module) { return PyModule_AddFunctions(module, device_functions) == 0; }

}  // namespace janus::py
