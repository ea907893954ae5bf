// CPython 3.11 internals jit/ uses. Include this first, not <Python.h>.
#pragma once

#include "common/cpython_internal.h"

#include <internal/pycore_abstract.h>
#include <internal/pycore_ceval.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_list.h>
#include <internal/pycore_long.h>
#include <internal/pycore_object.h>
#include <internal/pycore_tuple.h>

namespace janus::jit {

// CPython 3.11's range iterator (Objects/rangeobject.c keeps it private). Its layout is
// checked at start-up (runtime.cpp); when it differs, range loops use the generic ITER_NEXT.
struct RangeIterLayout {
  PyObject_HEAD
  long index;
  long start;
  long step;
  long len;
};
bool range_iter_layout_ok();

// CPython 3.11's list iterator (Objects/listobject.c).
struct ListIterLayout {
  PyObject_HEAD
  Py_ssize_t it_index;
  PyListObject* it_seq;  // NULL once exhausted
};

}  // namespace janus::jit
