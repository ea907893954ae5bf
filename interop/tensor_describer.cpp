#include "interop/tensor_describer.h"

#include "profiles/profile.h"

namespace janus::interop {

namespace {

JanusTensorDescribeFn g_describe = nullptr;

// Called by the site profiles for every tensor operand they see: fills the view in place
// (the extension's dtype and device names are static strings, sizes go to the profiles'
// buffer), so nothing is copied or allocated.
bool describe_tensor(PyObject* value, int64_t* shape_buffer, profiles::DescriptionView* out) {
  JanusTensorDescription description{};
  description.shape = shape_buffer;
  description.max_dims = profiles::kMaxDescribedDims;
  if (g_describe == nullptr || !g_describe(value, &description)) return false;
  if (description.ndim > profiles::kMaxDescribedDims) return false;  // no honest description
  out->dtype = description.dtype;
  out->device = description.device;
  out->shape = shape_buffer;
  out->ndim = description.ndim;
  out->requires_grad = description.requires_grad != 0;
  return true;
}

}  // namespace

PyObject* register_tensor_describer(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "register_tensor_describer(cls, capsule) takes 2 arguments");
    return nullptr;
  }
  if (!PyType_Check(args[0])) {
    PyErr_Format(PyExc_TypeError, "register_tensor_describer: expected a class, not %.100s",
                 Py_TYPE(args[0])->tp_name);
    return nullptr;
  }
  auto fn = reinterpret_cast<JanusTensorDescribeFn>(
      PyCapsule_GetPointer(args[1], JANUS_TENSOR_DESCRIBE_CAPSULE));
  if (fn == nullptr) return nullptr;  // PyCapsule_GetPointer set a ValueError naming the capsule
  g_describe = fn;
  profiles::register_describer(reinterpret_cast<PyTypeObject*>(args[0]), describe_tensor);
  Py_RETURN_NONE;
}

}  // namespace janus::interop
