// Builtins known to run no Python code (jit/known_c.def): what a trace may assume about a
// direct call of one.
#pragma once

#include "jit/cpython.h"

namespace janus::jit {

// True when `def` (a PyMethodDef a CALL_C calls) is an entry of jit/known_c.def: its C
// function runs no Python code, allocates no GC-tracked object and takes no arguments.
// `self` is what the C function gets as self (the module of a module function, the
// receiver of a method): it tells whose def this is the first time.
bool runs_no_python_code(PyMethodDef* def, PyObject* self);

}  // namespace janus::jit
