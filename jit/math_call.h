// The `math` functions of jit/math_table.def: which builtin a recorded call is, and the
// libm function both executors call for MATH_F64 (aux = the index in the table).
#pragma once

#include "jit/cpython.h"

namespace janus::jit {

enum class MathFn : int {
#define JIT_MATH(name, libm) name,
#include "jit/math_table.def"
#undef JIT_MATH
  kCount
};

using MathFnPtr = double (*)(double);

// The libm function of table entry `index`.
MathFnPtr math_function(int index);
const char* math_name(int index);

// The table entry of a `math` module builtin (a PyCFunction whose PyMethodDef is the math
// module's entry of that name), or -1. Identified by the PyMethodDef: every `math.sqrt`
// object (`from math import sqrt as _sqrt` included) shares it, and a trace guards it.
int math_index(PyObject* callable);

}  // namespace janus::jit
