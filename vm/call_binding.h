// Where a Python function's arguments go: CPython 3.11's initialize_locals (ceval.c) for
// the calls tier 0 runs inline and tier 1 inlines, decided once before anything moves, so
// both tiers bind a call the same way. Positional arguments fill the leading parameters
// (the surplus goes to *args), keywords (KW_NAMES) name positional-or-keyword or
// keyword-only parameters (unknown ones go to **kwargs), and parameters left unset take
// __defaults__ / __kwdefaults__. Any call CPython would reject (a missing argument, a
// duplicate or unknown keyword without **kwargs, a positional-only parameter named as a
// keyword without **kwargs) has no plan: the generic call path raises CPython's error.
#pragma once

#include "vm/cpython.h"

#include <cstdint>

namespace janus::vm {

// Parameters (co_argcount + co_kwonlyargcount) and keywords a plan covers; larger calls
// take the generic path.
constexpr int kMaxPlannedParams = 32;

struct CallPlan {
  int nparams = 0;     // co_argcount + co_kwonlyargcount
  int positional = 0;  // arguments [0, positional) bind to parameters [0, positional)
  int npos = 0;        // positional arguments; [positional, npos) go to *args
  int nkw = 0;         // keyword arguments, after the positional ones
  int8_t kw_slot[kMaxPlannedParams];  // keyword i's parameter, or -1: into **kwargs
  // Parameter i's default when no argument binds it (borrowed: the function's
  // __defaults__ tuple or __kwdefaults__ dict holds it), else nullptr.
  PyObject* fill[kMaxPlannedParams];
  bool uses_kwdefaults = false;  // a value came from __kwdefaults__
};

// Keywords or keyword-only parameters: plan_call's general case.
bool plan_keyword_call(PyFunctionObject* func, int nargs, PyObject* kwnames, CallPlan* plan);

// The plan for func(args[0..nargs)) where the last len(kwnames) arguments are keywords
// (kwnames may be nullptr); false when the call is not one a plan covers (no error set).
// Generators and coroutines are the caller's business. Positional calls of functions
// without keyword-only parameters (tier 0's every-call case) are planned inline here.
[[gnu::always_inline]] inline bool plan_call(PyFunctionObject* func, int nargs, PyObject* kwnames,
                                             CallPlan* plan) {
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  if (kwnames != nullptr || code->co_kwonlyargcount != 0) return plan_keyword_call(func, nargs, kwnames, plan);
  const int argcount = code->co_argcount;
  // Without CO_OPTIMIZED (code run as a function from a class body) the frame's locals
  // are its globals: CPython's generic path handles that.
  if (!(code->co_flags & CO_OPTIMIZED) || argcount > kMaxPlannedParams ||
      (nargs > argcount && !(code->co_flags & CO_VARARGS))) {
    return false;
  }
  const int positional = nargs < argcount ? nargs : argcount;
  PyObject* defaults = func->func_defaults;
  const int ndefaults = defaults != nullptr ? static_cast<int>(PyTuple_GET_SIZE(defaults)) : 0;
  const int missing = argcount - positional;
  if (missing > ndefaults) return false;  // a missing positional argument
  for (int i = 0; i < missing; i++) plan->fill[positional + i] = PyTuple_GET_ITEM(defaults, ndefaults - missing + i);
  plan->nparams = argcount;
  plan->positional = positional;
  plan->npos = nargs;
  plan->nkw = 0;
  plan->uses_kwdefaults = false;
  return true;
}

}  // namespace janus::vm
