// Attribute lookup for LOAD_ATTR / LOAD_METHOD (tier 0) and the JIT's generic GETATTR,
// without CPython 3.11's costly miss in classes that define __getattr__.
//
// For such a class (nn.Module: parameters and submodules are found by __getattr__),
// 3.11's slot_tp_getattr_hook first runs the generic lookup, which formats an
// AttributeError when the name is not found (~1.6K instructions), then clears it and
// calls __getattr__. Here the generic lookup runs with "suppress" (3.12's fix), so a
// miss costs nothing, and every result, exception and side effect stays 3.11's.
#pragma once

#include "vm/cpython.h"

namespace janus::vm {

// CPython's tp_getattro for classes defining __getattr__ (slot_tp_getattr_hook, static in
// typeobject.c): found from a probe class by init_getattr. Until then it is a value no
// type has, and getattr() is PyObject_GetAttr.
extern getattrofunc g_getattr_hook_slot;
// Call once, after Py_Initialize. False (with a Python error set) on failure.
bool init_getattr();

// Out of line: types whose tp_getattro is g_getattr_hook_slot (or null: PyObject_GetAttr).
PyObject* getattr_slow(PyObject* o, PyObject* name);
// What PyObject_GetAttr adds to an AttributeError that leaves tp_getattro: the name and
// the object (3.10+, for "Did you mean" suggestions), unless it has them already.
void add_attribute_error_context(PyObject* o, PyObject* name);

// PyObject_GetAttr(o, name) for an exact str `name` (co_names holds only those), same
// result, errors and side effects. PyObject_GetAttr's own steps are inlined: the tier-0
// handlers pay one compare more than before, and no call layer.
[[gnu::always_inline]] inline PyObject* getattr(PyObject* o, PyObject* name) {
  getattrofunc get = Py_TYPE(o)->tp_getattro;
  if (__builtin_expect(get == g_getattr_hook_slot || get == nullptr, 0)) {
    return getattr_slow(o, name);
  }
  PyObject* res = get(o, name);
  if (__builtin_expect(res == nullptr, 0)) add_attribute_error_context(o, name);
  return res;
}

// ---- __getattr__ run as an inline frame ------------------------------------------------
// LOAD_ATTR missing on an instance of a class with a Python __getattr__ (nn.Module's
// parameters): tier 0 runs __getattr__(o, name) as an inline frame (the generic lookup
// with suppress first, as getattr_with_hook), and traces inline that frame. When it
// raises, PyObject_GetAttr's context (AttributeError.name/.obj) is added as CPython adds
// it after slot_tp_getattr_hook returns: such frames are registered per thread with
// their object and name (strong references) until they are popped.

// The class's __getattr__ (borrowed; the type holds it) when it is an exact Python
// function and o's type has the hook slot: a candidate for an inline frame (one lookup:
// tier 0 asks this first, then whether it would run the frame in its loop at all).
extern PyObject* g_getattr_name;  // "__getattr__", interned by init_getattr
[[gnu::always_inline]] inline PyObject* getattr_function(PyObject* o) {
  PyTypeObject* tp = Py_TYPE(o);
  if (tp->tp_getattro != g_getattr_hook_slot) return nullptr;
  PyObject* fn = _PyType_Lookup(tp, g_getattr_name);
  return fn != nullptr && Py_IS_TYPE(fn, &PyFunction_Type) ? fn : nullptr;
}
// Whether o.name runs getattr_function(o) on a miss as CPython would and it can be a
// frame: object's __getattribute__, an exact str name, an instance dict whose lookup
// cannot raise, and a function bindable as f(o, name).
bool getattr_inlinable(PyObject* o, PyObject* name, PyObject* fn);
// Both: the function, or nullptr.
inline PyObject* inline_getattr_function(PyObject* o, PyObject* name) {
  PyObject* fn = getattr_function(o);
  return fn != nullptr && getattr_inlinable(o, name, fn) ? fn : nullptr;
}

struct GetattrFrame {
  _PyInterpreterFrame* frame;
  PyObject* owner;
  PyObject* name;
};
extern thread_local constinit int t_getattr_count;
extern thread_local constinit GetattrFrame* t_getattr_frames;
// `frame` runs __getattr__(owner, name) (new references taken).
void hold_getattr_frame(_PyInterpreterFrame* frame, PyObject* owner, PyObject* name);
void release_getattr_top(bool raised);
// A frame is popped (raised: with an exception set): ends its registration, if it has one.
[[gnu::always_inline]] inline void release_getattr_frame(_PyInterpreterFrame* frame, bool raised) {
  const int n = t_getattr_count;
  if (__builtin_expect(n != 0, 0) && t_getattr_frames[n - 1].frame == frame) release_getattr_top(raised);
}

// _PyObject_GetMethod(o, name, method) for an exact str `name`, same result: a type with
// its own tp_getattro gets the bound attribute (returns 0), through getattr().
[[gnu::always_inline]] inline int get_method(PyObject* o, PyObject* name, PyObject** method) {
  if (Py_TYPE(o)->tp_getattro == PyObject_GenericGetAttr) {
    return _PyObject_GetMethod(o, name, method);
  }
  *method = getattr(o, name);
  return 0;
}

}  // namespace janus::vm
