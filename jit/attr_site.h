// Where an attribute access on an instance finds its value (CPython 3.11 specialize.c's
// analysis, done once at record time): the recorder turns a plan into guards on the exact
// type and its tp_version_tag plus the GUARD_ATTR_SLOT / ATTR_SLOT / SET_ATTR_SLOT ops.
#pragma once

#include "jit/cpython.h"

#include <cstdint>

namespace janus::jit {

struct AttrPlan {
  enum What {
    kGeneric,     // no fast path: GETATTR / SETATTR
    kInstance,    // the instance's values, dict entry or slot at `aux`
    kClassValue,  // a plain (non-descriptor) class attribute: `value`
    kMethod,      // LOAD_METHOD: the method descriptor `value`, called with self
    kBind,        // a descriptor `value` whose __get__(o, type(o)) is the result, as
                  // PyObject_GenericGetAttr calls it: a data descriptor (C getset,
                  // property) always, a non-data one (a function or C method read as an
                  // attribute, classmethod, ...) when the instance does not shadow it
  } what = kGeneric;
  int32_t aux = 0;           // rt::attr_aux(...) for kInstance
  bool guard_absent = false;  // kClassValue/kMethod/kBind: the instance may shadow the name
  PyObject* value = nullptr;  // borrowed; the type (pinned by its version) holds it
};

// o.name (method: LOAD_METHOD) and o.name = v, from the state before the instruction.
AttrPlan plan_load_attr(PyObject* o, PyObject* name, bool method);
AttrPlan plan_store_attr(PyObject* o, PyObject* name);

}  // namespace janus::jit
