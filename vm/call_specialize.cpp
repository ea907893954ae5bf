// Specializing calls of Python functions. CPython 3.11's specializer refuses them while a
// PEP 523 hook is set (its inlined call would bypass the hook), which leaves every such call
// site adaptive forever. The VM is the hook's evaluator and runs these calls inline itself
// (CALL_PY_EXACT_ARGS / CALL_PY_WITH_DEFAULTS in handlers/specialized.inc), so it writes the
// forms CPython writes without a hook, with the same cache layout. CPython's own evaluator
// deoptimizes them while a hook is set, so code it runs stays correct.
#include "vm/helpers.h"

namespace janus::vm {

namespace {
// specialize.c's miss_counter_start(): misses allowed before going back to adaptive.
constexpr uint16_t kMissCounterStart = 53;
}  // namespace

bool specialize_python_call(PyObject* callable, _Py_CODEUNIT* instr, int nargs,
                            PyObject* kwnames) {
  if (kwnames != nullptr || !PyFunction_Check(callable)) return false;
  auto* func = reinterpret_cast<PyFunctionObject*>(callable);
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  // CPython's SIMPLE_FUNCTION: no *args, **kwargs, keyword-only parameters; optimized locals.
  if ((code->co_flags & (CO_VARKEYWORDS | CO_VARARGS)) || code->co_kwonlyargcount != 0 ||
      !(code->co_flags & CO_OPTIMIZED)) {
    return false;
  }
  int argcount = code->co_argcount;
  if (argcount > 0xffff) return false;
  int defcount = func->func_defaults == nullptr ? 0 : (int)PyTuple_GET_SIZE(func->func_defaults);
  int min_args = argcount - defcount;
  if (nargs > argcount || nargs < min_args) return false;
  uint32_t version = _PyFunction_GetVersionForCurrentState(func);
  if (version == 0) return false;
  auto* cache = reinterpret_cast<_PyCallCache*>(instr + 1);
  write_u32(cache->func_version, version);
  cache->min_args = (uint16_t)min_args;
  cache->counter = kMissCounterStart;
  _Py_SET_OPCODE(*instr, argcount == nargs ? CALL_PY_EXACT_ARGS : CALL_PY_WITH_DEFAULTS);
  return true;
}

}  // namespace janus::vm
