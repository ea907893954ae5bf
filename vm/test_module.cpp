// `_janus_vm`: a probe module for tests. It shows what the VM did (stats, fallbacks) and
// drives the OSR entry points from Python: resume a function mid-body with chosen locals and
// value stack (the OSR exit path), and observe hot-loop back-edges (the OSR entry hook).
// vm.h first: it defines Py_BUILD_CORE before Python.h is seen.
#include "vm/vm.h"

#include "profiles/profile.h"
#include "vm/code_info.h"

#include <vector>

namespace janus::vm {

namespace {

PyObject* g_loop_callback = nullptr;

PyCodeObject* code_of(PyObject* arg) {
  if (PyFunction_Check(arg)) arg = PyFunction_GET_CODE(arg);
  if (!PyCode_Check(arg)) {
    PyErr_Format(PyExc_TypeError, "expected a function or code object, not %.100s",
                 Py_TYPE(arg)->tp_name);
    return nullptr;
  }
  return reinterpret_cast<PyCodeObject*>(arg);
}

PyObject* vm_stats(PyObject*, PyObject*) {
  return Py_BuildValue("{s:K,s:K,s:K}", "frames", stats().frames, "fallbacks",
                       stats().fallbacks, "inlined", stats().inlined);
}

PyObject* vm_handles(PyObject*, PyObject* arg) {
  PyCodeObject* code = code_of(arg);
  if (code == nullptr) return nullptr;
  return PyBool_FromLong(handles(code));
}

PyObject* vm_unsupported_opcode(PyObject*, PyObject* arg) {
  PyCodeObject* code = code_of(arg);
  if (code == nullptr) return nullptr;
  return PyLong_FromLong(find_unsupported_opcode(code));
}

// resume_at(func, offset, locals, stack): runs func's code from byte offset `offset` with
// the named locals (a dict) and `stack` (a list, bottom first) as the value stack.
PyObject* vm_resume_at(PyObject*, PyObject* args) {
  PyObject *func_obj, *locals, *stack;
  int offset;
  if (!PyArg_ParseTuple(args, "O!iO!O!:resume_at", &PyFunction_Type, &func_obj, &offset,
                        &PyDict_Type, &locals, &PyList_Type, &stack)) {
    return nullptr;
  }
  auto* func = reinterpret_cast<PyFunctionObject*>(func_obj);
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  if (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR) ||
      code->co_ncellvars || code->co_nfreevars) {
    PyErr_SetString(PyExc_ValueError,
                    "resume_at: generators and functions with cells are not supported by this probe");
    return nullptr;
  }
  if (offset % 2 != 0) {
    PyErr_SetString(PyExc_ValueError, "resume_at: offset must be an instruction's byte offset");
    return nullptr;
  }
  PyThreadState* tstate = PyThreadState_Get();
  _PyInterpreterFrame* frame = _PyThreadState_BumpFramePointer(
      tstate, code->co_nlocalsplus + code->co_stacksize + FRAME_SPECIALS_SIZE);
  if (frame == nullptr) return PyErr_NoMemory();
  Py_INCREF(func);
  _PyFrame_InitializeSpecials(frame, func, nullptr, code->co_nlocalsplus);
  for (int i = 0; i < code->co_nlocalsplus; i++) {
    PyObject* value = PyDict_GetItemWithError(locals, PyTuple_GET_ITEM(code->co_localsplusnames, i));
    frame->localsplus[i] = Py_XNewRef(value);
  }
  Py_ssize_t depth = PyList_GET_SIZE(stack);
  std::vector<PyObject*> values(depth);
  for (Py_ssize_t i = 0; i < depth; i++) values[i] = Py_NewRef(PyList_GET_ITEM(stack, i));
  PyObject* result = nullptr;
  if (!PyErr_Occurred()) {
    result = resume_at(tstate, frame, offset / 2, values.data(), static_cast<int>(depth));
  } else {
    for (PyObject* v : values) Py_DECREF(v);
  }
  // As CPython's own caller does: clear the frame, then give its memory back.
  tstate->recursion_remaining--;
  _PyFrame_Clear(frame);
  tstate->recursion_remaining++;
  _PyThreadState_PopFrame(tstate, frame);
  return result;
}

int call_loop_callback(PyThreadState*, _PyInterpreterFrame* frame, int target, PyObject**) {
  if (g_loop_callback == nullptr) return 0;
  PyCodeObject* code = frame->f_code;
  PyObject* res = PyObject_CallFunction(g_loop_callback, "Oii", code, target * 2,
                                        PyCode_Addr2Line(code, target * 2));
  if (res == nullptr) return -1;
  Py_DECREF(res);
  return 0;
}

// set_loop_callback(f): f(code, loop_head_offset, line) runs at hot back-edges (None: off).
PyObject* vm_set_loop_callback(PyObject*, PyObject* arg) {
  if (arg == Py_None) {
    Py_CLEAR(g_loop_callback);
    set_loop_hook(nullptr);
  } else {
    Py_INCREF(arg);
    Py_XSETREF(g_loop_callback, arg);
    set_loop_hook(call_loop_callback);
  }
  Py_RETURN_NONE;
}

PyMethodDef vm_methods[] = {
    {"stats", vm_stats, METH_NOARGS, "Counters: frames evaluated by the VM, fallbacks, frames started inline."},
    {"handles", vm_handles, METH_O, "Whether the VM evaluates frames of this code."},
    {"unsupported_opcode", vm_unsupported_opcode, METH_O,
     "The first opcode of the code the VM does not implement, or -1."},
    {"resume_at", vm_resume_at, METH_VARARGS,
     "resume_at(func, offset, locals, stack): run func from a byte offset (OSR exit)."},
    {"set_loop_callback", vm_set_loop_callback, METH_O,
     "Call f(code, offset, line) at hot loop back-edges (OSR entry); None turns it off."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef vm_module = {PyModuleDef_HEAD_INIT, "_janus_vm", "Probes into Janus tier 0.", -1,
                         vm_methods};

}  // namespace

PyObject* init_test_module() { return PyModule_Create(&vm_module); }

}  // namespace janus::vm
