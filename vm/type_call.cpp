// The tp_call slot of classes defining __call__ (type_call.h).
#include "vm/type_call.h"

#include <cstdlib>

#include "vm/getattr.h"
#include "vm/vm.h"

namespace janus::vm {

ternaryfunc g_slot_tp_call = nullptr;
thread_local int t_type_call_count = 0;
thread_local int t_type_call_capacity = 0;
thread_local _PyInterpreterFrame** t_type_call_frames = nullptr;

void grow_type_call_frames() {
  // Kept for the thread's life (a few KiB at most: one slot per nested obj() frame).
  int capacity = t_type_call_capacity == 0 ? 64 : 2 * t_type_call_capacity;
  auto** frames = static_cast<_PyInterpreterFrame**>(
      std::realloc(t_type_call_frames, sizeof(_PyInterpreterFrame*) * capacity));
  if (frames == nullptr) std::abort();  // out of memory for a pointer array: nothing sane left
  t_type_call_frames = frames;
  t_type_call_capacity = capacity;
}

PyObject* call_slot_function(PyTypeObject* type) { return python_call_method(type); }
bool take_call_slot_level(PyThreadState* tstate) { return enter_type_call(tstate); }
void give_back_call_slot_level(PyThreadState* tstate) { _Py_LeaveRecursiveCallTstate(tstate); }
void frame_holds_call_slot_level(_PyInterpreterFrame* frame) { hold_type_call_level(frame); }
void release_call_slot_level(PyThreadState* tstate, _PyInterpreterFrame* frame) {
  release_type_call_level(tstate, frame);
  release_getattr_frame(frame, false);  // a trace's POP_FRAME: a normal return
}

bool init_type_call() {
  // A class whose __call__ is not CPython's own wrapper gets slot_tp_call (typeobject.c's
  // slotdefs): type('_JanusCallProbe', (), {'__call__': len}).
  PyObject* len = PyDict_GetItemString(PyEval_GetBuiltins(), "len");  // borrowed
  PyObject* probe = len == nullptr ? nullptr
                                   : PyObject_CallFunction(reinterpret_cast<PyObject*>(&PyType_Type),
                                                           "s()N", "_JanusCallProbe",
                                                           Py_BuildValue("{s:O}", "__call__", len));
  if (probe == nullptr) {
    PyErr_Clear();
    return true;  // no fast path: such calls take CPython's slot, as before
  }
  if (PyType_Check(probe)) g_slot_tp_call = reinterpret_cast<PyTypeObject*>(probe)->tp_call;
  Py_DECREF(probe);
  return true;
}

}  // namespace janus::vm
