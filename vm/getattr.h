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
