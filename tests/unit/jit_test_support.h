// Small pieces the jit/ unit tests share (hand-built traces run against Python itself).
#pragma once

#include "jit/cpython.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace janus::jit::test {

// The bit pattern of a double, as F64 values travel in raw 64-bit slots.
inline uint64_t bits_of(double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

// Evaluates a Python expression in a namespace holding `source`'s definitions (a new
// reference; the test fails when either part raises).
inline PyObject* eval_python(const char* expr, const char* source = "") {
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(source, Py_file_input, ns, ns);
  EXPECT_NE(r, nullptr);
  Py_XDECREF(r);
  PyObject* value = PyRun_String(expr, Py_eval_input, ns, ns);
  if (value == nullptr) PyErr_Print();
  EXPECT_NE(value, nullptr);
  Py_DECREF(ns);
  return value;
}

}  // namespace janus::jit::test
