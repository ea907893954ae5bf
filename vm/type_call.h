// Calls of instances whose type defines __call__ in Python (`model(x)`). CPython runs them
// through the type's tp_call slot (slot_tp_call): _PyObject_MakeTpCall takes one recursion
// level (" while calling a Python object"), then type(obj).__call__(obj, *args) runs as a
// frame of its own with its own level. Tier 0 and tier 1 run that frame inline instead,
// holding the slot's extra level for the frame's lifetime: a per-thread stack of the frames
// that hold one, released when such a frame is popped (RecursionError at the same depth
// as CPython). Internal to vm/ and jit/ through vm.h.
#pragma once

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

// Frames (innermost last) that hold the tp_call slot's extra recursion level, per thread:
// plain data (no TLS initializer runs on access), checked on every inline return.
extern thread_local int t_type_call_count;
extern thread_local int t_type_call_capacity;
extern thread_local _PyInterpreterFrame** t_type_call_frames;

// Takes the slot's level for a call about to run inline (false: RecursionError set).
[[gnu::always_inline]] inline bool enter_type_call(PyThreadState* tstate) {
  return !_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object");
}
// The frame now holds the level taken by enter_type_call.
void grow_type_call_frames();
inline void hold_type_call_level(_PyInterpreterFrame* frame) {
  if (t_type_call_count == t_type_call_capacity) grow_type_call_frames();
  t_type_call_frames[t_type_call_count++] = frame;
}
// A frame is popped: gives back its extra level if it holds one.
[[gnu::always_inline]] inline void release_type_call_level(PyThreadState* tstate,
                                                           _PyInterpreterFrame* frame) {
  const int n = t_type_call_count;
  if (__builtin_expect(n != 0, 0) && t_type_call_frames[n - 1] == frame) {
    t_type_call_count = n - 1;
    _Py_LeaveRecursiveCallTstate(tstate);
  }
}

}  // namespace janus::vm
