#include "vm/call_binding.h"

namespace janus::vm {

namespace {

// The parameter a keyword names among [first, end), or -1: the same string object first
// (the compiler interns both), then an equal one, as CPython's initialize_locals looks.
int keyword_parameter(PyCodeObject* code, PyObject* name, int first, int end) {
  for (int i = first; i < end; i++) {
    if (PyTuple_GET_ITEM(code->co_localsplusnames, i) == name) return i;
  }
  for (int i = first; i < end; i++) {
    if (_PyUnicode_EQ(PyTuple_GET_ITEM(code->co_localsplusnames, i), name)) return i;
  }
  return -1;
}

}  // namespace

bool plan_keyword_call(PyFunctionObject* func, int nargs, PyObject* kwnames, CallPlan* plan) {
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  if (!(code->co_flags & CO_OPTIMIZED)) return false;
  const bool varargs = code->co_flags & CO_VARARGS;
  const bool varkw = code->co_flags & CO_VARKEYWORDS;
  const int argcount = code->co_argcount;
  const int nparams = argcount + code->co_kwonlyargcount;
  const int nkw = kwnames != nullptr ? static_cast<int>(PyTuple_GET_SIZE(kwnames)) : 0;
  if (nparams > kMaxPlannedParams || nkw > kMaxPlannedParams) return false;
  const int npos = nargs - nkw;
  if (npos > argcount && !varargs) return false;  // too many positional arguments
  plan->nparams = nparams;
  plan->npos = npos;
  plan->nkw = nkw;
  plan->positional = npos < argcount ? npos : argcount;
  plan->uses_kwdefaults = false;
  bool given[kMaxPlannedParams] = {};
  for (int i = 0; i < plan->positional; i++) given[i] = true;
  for (int k = 0; k < nkw; k++) {
    PyObject* name = PyTuple_GET_ITEM(kwnames, k);
    if (!PyUnicode_Check(name)) return false;
    const int slot = keyword_parameter(code, name, code->co_posonlyargcount, nparams);
    if (slot < 0) {
      if (!varkw) return false;  // unexpected keyword (or a positional-only one)
      plan->kw_slot[k] = -1;
      continue;
    }
    if (given[slot]) return false;  // multiple values for one parameter
    given[slot] = true;
    plan->kw_slot[k] = static_cast<int8_t>(slot);
  }
  PyObject* defaults = func->func_defaults;
  const int ndefaults = defaults != nullptr ? static_cast<int>(PyTuple_GET_SIZE(defaults)) : 0;
  for (int i = 0; i < argcount; i++) {
    plan->fill[i] = nullptr;
    if (given[i]) continue;
    const int d = i - (argcount - ndefaults);
    if (d < 0) return false;  // a missing positional argument
    plan->fill[i] = PyTuple_GET_ITEM(defaults, d);
  }
  for (int i = argcount; i < nparams; i++) {
    plan->fill[i] = nullptr;
    if (given[i]) continue;
    PyObject* kwdefaults = func->func_kwdefaults;
    // A str key in a dict: the lookup runs no Python code.
    PyObject* value = kwdefaults != nullptr
                          ? PyDict_GetItemWithError(kwdefaults, PyTuple_GET_ITEM(code->co_localsplusnames, i))
                          : nullptr;
    if (value == nullptr) {
      PyErr_Clear();
      return false;  // a missing keyword-only argument
    }
    plan->fill[i] = value;
    plan->uses_kwdefaults = true;
  }
  return true;
}

}  // namespace janus::vm
