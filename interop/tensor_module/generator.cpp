// torch.Generator's C side: generators travel to Python as capsules (janus.Generator wraps one),
// and _generator_call runs any op with a generator made current, so `generator=` needs no
// argument of its own in the op registry.
#include "interop/tensor_module/python_api.h"
#include "tensor/ops/generator.h"

namespace janus::py {
namespace {

constexpr const char* kCapsuleName = "janus.Generator";

void capsule_free(PyObject* capsule) {
  delete static_cast<std::shared_ptr<ops::Generator>*>(PyCapsule_GetPointer(capsule, kCapsuleName));
}
PyObject* make_capsule(std::shared_ptr<ops::Generator> g) {
  auto* holder = new std::shared_ptr<ops::Generator>(std::move(g));
  PyObject* capsule = PyCapsule_New(holder, kCapsuleName, capsule_free);
  if (!capsule) delete holder;
  return capsule;
}
ops::Generator* unwrap_generator(PyObject* o) {
  if (!PyCapsule_IsValid(o, kCapsuleName)) {
    PyErr_Format(PyExc_TypeError, "expected a janus.Generator handle, got %s", Py_TYPE(o)->tp_name);
    return nullptr;
  }
  return static_cast<std::shared_ptr<ops::Generator>*>(PyCapsule_GetPointer(o, kCapsuleName))->get();
}

PyObject* f_new(PyObject*, PyObject*) { return make_capsule(ops::new_generator()); }
PyObject* f_default(PyObject*, PyObject*) { return make_capsule(ops::default_generator()); }

PyObject* f_manual_seed(PyObject*, PyObject* const* args, Py_ssize_t n) {
  if (n != 2) { PyErr_SetString(PyExc_TypeError, "_generator_manual_seed(handle, seed)"); return nullptr; }
  ops::Generator* g = unwrap_generator(args[0]);
  if (!g) return nullptr;
  unsigned long long s = PyLong_AsUnsignedLongLongMask(args[1]);
  if (PyErr_Occurred()) return nullptr;
  ops::generator_manual_seed(*g, s);
  Py_RETURN_NONE;
}
PyObject* f_seed(PyObject*, PyObject* arg) {
  ops::Generator* g = unwrap_generator(arg);
  return g ? PyLong_FromUnsignedLongLong(ops::generator_seed(*g)) : nullptr;
}
PyObject* f_initial_seed(PyObject*, PyObject* arg) {
  ops::Generator* g = unwrap_generator(arg);
  return g ? PyLong_FromUnsignedLongLong(ops::generator_initial_seed(*g)) : nullptr;
}
PyObject* f_get_state(PyObject*, PyObject* arg) {
  ops::Generator* g = unwrap_generator(arg);
  if (!g) return nullptr;
  std::string s = ops::generator_get_state(*g);
  return PyBytes_FromStringAndSize(s.data(), Py_ssize_t(s.size()));
}
// set_state(handle, bytes-like): torch's state bytes, e.g. bytes(get_state()) or a torch
// ByteTensor's numpy() array.
PyObject* f_set_state(PyObject*, PyObject* const* args, Py_ssize_t n) {
  if (n != 2) { PyErr_SetString(PyExc_TypeError, "_generator_set_state(handle, state)"); return nullptr; }
  ops::Generator* g = unwrap_generator(args[0]);
  if (!g) return nullptr;
  Py_buffer view;
  if (PyObject_GetBuffer(args[1], &view, PyBUF_C_CONTIGUOUS) != 0) return nullptr;
  JANUS_PY_TRY
  ops::generator_set_state(*g, view.buf, size_t(view.len));
  PyBuffer_Release(&view);
  Py_RETURN_NONE;
  } catch (...) {
    PyBuffer_Release(&view);
    set_python_error();
    return nullptr;
  }
}
// _generator_call(handle, fn, *args, **kwargs): fn(*args, **kwargs) drawing from the generator.
PyObject* f_call(PyObject*, PyObject* args, PyObject* kwargs) {
  if (PyTuple_GET_SIZE(args) < 2) { PyErr_SetString(PyExc_TypeError, "_generator_call(handle, fn, ...)"); return nullptr; }
  ops::Generator* g = unwrap_generator(PyTuple_GET_ITEM(args, 0));
  if (!g) return nullptr;
  PyObject* rest = PyTuple_GetSlice(args, 2, PyTuple_GET_SIZE(args));
  if (!rest) return nullptr;
  PyObject* result;
  {
    ops::GeneratorScope scope(g);
    result = PyObject_Call(PyTuple_GET_ITEM(args, 1), rest, kwargs);
  }
  Py_DECREF(rest);
  return result;
}

PyMethodDef generator_methods[] = {
    {"_generator_new", f_new, METH_NOARGS, "a new generator handle seeded with torch's default seed"},
    {"_generator_default", f_default, METH_NOARGS, "the default generator's handle"},
    {"_generator_manual_seed", (PyCFunction)(void (*)())f_manual_seed, METH_FASTCALL, nullptr},
    {"_generator_seed", f_seed, METH_O, nullptr},
    {"_generator_initial_seed", f_initial_seed, METH_O, nullptr},
    {"_generator_get_state", f_get_state, METH_O, "torch's CPUGeneratorImplState bytes"},
    {"_generator_set_state", (PyCFunction)(void (*)())f_set_state, METH_FASTCALL, nullptr},
    {"_generator_call", (PyCFunction)(void (*)())f_call, METH_VARARGS | METH_KEYWORDS, nullptr},
    {nullptr}};

}  // namespace

bool init_generator_functions(PyObject* module) { return PyModule_AddFunctions(module, generator_methods) == 0; }

}  // namespace janus::py
