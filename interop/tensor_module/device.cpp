// Devices at the Python boundary: Tensor._device_index, janus._C._to_device, and the copy to
// the host that item()/tolist() make for a tensor on a device. The copies themselves belong
// to the device backend (registered under kToDeviceOp); with none loaded, they raise.
#include "interop/tensor_module/python_api.h"
#include "tensor/device_ops.h"

namespace janus::py {

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

Tensor on_host(const Tensor& t) { return t.device().is_cpu() ? t : to_device(t, Device{}, false); }

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

static PyMethodDef device_functions[] = {
    {"_set_out_of_memory_error", py_set_out_of_memory_error, METH_O, nullptr},
    {"_to_device", (PyCFunction)(void (*)())py_to_device, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr}};

bool init_device_functions(PyObject* module) { return PyModule_AddFunctions(module, device_functions) == 0; }

}  // namespace janus::py
