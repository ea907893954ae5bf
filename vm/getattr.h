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

// Out of line: the lookup for a type whose tp_getattro is g_getattr_hook_slot.
PyObject* getattr_with_hook(PyObject* o, PyObject* name);

// PyObject_GetAttr(o, name), same result, errors and side effects.
inline PyObject* getattr(PyObject* o, PyObject* name) {
  if (Py_TYPE(o)->tp_getattro == g_getattr_hook_slot) return getattr_with_hook(o, name);
  return PyObject_GetAttr(o, name);
}

// _PyObject_GetMethod(o, name, method), same result: 3.11 binds the attribute of a class
// with __getattr__ (returns 0), as it does here.
inline int get_method(PyObject* o, PyObject* name, PyObject** method) {
  if (Py_TYPE(o)->tp_getattro == g_getattr_hook_slot) {
    *method = getattr_with_hook(o, name);
    return 0;
  }
  return _PyObject_GetMethod(o, name, method);
}

}  // namespace janus::vm
