// Recognition of the `math` builtins of jit/math_table.def and their libm functions.
#include "jit/math_call.h"

#include <cmath>
#include <cstring>

namespace janus::jit {

namespace {

// The C functions themselves (the double overloads: <cmath> also declares float ones).
constexpr MathFnPtr kFunctions[] = {
#define JIT_MATH(name, libm) static_cast<MathFnPtr>(&::libm),
#include "jit/math_table.def"
#undef JIT_MATH
};

constexpr const char* kNames[] = {
#define JIT_MATH(name, libm) #name,
#include "jit/math_table.def"
#undef JIT_MATH
};

constexpr int kCount = static_cast<int>(MathFn::kCount);

// The math module's PyMethodDef of each entry, found once from the module object (the
// defs are static data of the module: the same for every import of it).
PyMethodDef* g_defs[kCount] = {};
bool g_found = false;

// The `math` module is C code whose PyModuleDef is named "math": a Python module in
// sys.modules["math"] or one that copied other C functions cannot pass for it.
bool is_math_module(PyObject* module) {
  if (module == nullptr || !PyModule_Check(module)) return false;
  PyModuleDef* def = PyModule_GetDef(module);
  return def != nullptr && def->m_name != nullptr && std::strcmp(def->m_name, "math") == 0;
}

void find_defs(PyObject* module) {
  for (int i = 0; i < kCount; i++) {
    PyObject* fn = PyObject_GetAttrString(module, kNames[i]);
    if (fn == nullptr) {
      PyErr_Clear();
      continue;
    }
    if (Py_IS_TYPE(fn, &PyCFunction_Type)) {
      PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(fn)->m_ml;
      if (std::strcmp(def->ml_name, kNames[i]) == 0) g_defs[i] = def;
    }
    Py_DECREF(fn);
  }
  g_found = true;
}

}  // namespace

MathFnPtr math_function(int index) { return kFunctions[index]; }
const char* math_name(int index) { return kNames[index]; }

int math_index(PyObject* callable) {
  if (!Py_IS_TYPE(callable, &PyCFunction_Type)) return -1;
  auto* fn = reinterpret_cast<PyCFunctionObject*>(callable);
  if (!is_math_module(fn->m_self)) return -1;
  if (!g_found) find_defs(fn->m_self);
  for (int i = 0; i < kCount; i++) {
    if (g_defs[i] == fn->m_ml) return i;
  }
  return -1;
}

}  // namespace janus::jit
