// Calls of instances whose type defines __call__ in Python (`model(x)`). CPython runs them
// through the type's tp_call slot (slot_tp_call): _PyObject_MakeTpCall takes one recursion
// level (" while calling a Python object"), then type(obj).__call__(obj, *args) runs as a
// frame of its own with its own level. Tier 0 and tier 1 run that frame inline instead,
// holding the slot's extra level for the frame's lifetime: a per-thread stack of the frames
// that hold one, released when such a frame is popped (RecursionError at the same depth
// as CPython). Internal to vm/ and jit/ through vm.h.
#pragma once

#include <vector>

#include "vm/cpython.h"

namespace janus::vm {

// CPython's slot_tp_call (static in typeobject.c), found from a probe class at init.
extern ternaryfunc g_slot_tp_call;
bool init_type_call();

// type.__call__ when `type`'s tp_call is the slot and __call__ is an exact Python function
// (borrowed: the type holds it, and type version guards pin it), else nullptr.
[[gnu::always_inline]] inline PyObject* python_call_method(PyTypeObject* type) {
  if (type->tp_call != g_slot_tp_call || g_slot_tp_call == nullptr) return nullptr;
  PyObject* call = _PyType_Lookup(type, &_Py_ID(__call__));
  return call != nullptr && Py_IS_TYPE(call, &PyFunction_Type) ? call : nullptr;
}

// Frames (innermost last) that hold the tp_call slot's extra recursion level.
extern thread_local std::vector<_PyInterpreterFrame*> t_type_call_frames;

// Takes the slot's level for a call about to run inline (false: RecursionError set).
[[gnu::always_inline]] inline bool enter_type_call(PyThreadState* tstate) {
  return !_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object");
}
// The frame now holds the level taken by enter_type_call.
inline void hold_type_call_level(_PyInterpreterFrame* frame) {
  t_type_call_frames.push_back(frame);
}
// A frame is popped: gives back its extra level if it holds one.
[[gnu::always_inline]] inline void release_type_call_level(PyThreadState* tstate,
                                                           _PyInterpreterFrame* frame) {
  if (__builtin_expect(!t_type_call_frames.empty(), 0) && t_type_call_frames.back() == frame) {
    t_type_call_frames.pop_back();
    _Py_LeaveRecursiveCallTstate(tstate);
  }
}

}  // namespace janus::vm
