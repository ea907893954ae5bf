// The eval breaker: signals, pending calls, GIL hand-over and asynchronous exceptions,
// handled at the same points CPython handles them (backward jumps, calls, RESUME).
#include "vm/helpers.h"

namespace janus::vm {

// ceval.c's COMPUTE_EVAL_BREAKER is static; this recomputes the flag from the same inputs.
static void recompute_eval_breaker(PyInterpreterState* interp) {
  _ceval_state* ceval2 = &interp->ceval;
  int breaker =
      _Py_atomic_load_relaxed(&ceval2->gil_drop_request) |
      (_Py_atomic_load_relaxed(&_PyRuntime.ceval.signals_pending) &&
       _Py_ThreadCanHandleSignals(interp)) |
      (_Py_atomic_load_relaxed(&ceval2->pending.calls_to_do) && _Py_ThreadCanHandlePendingCalls()) |
      ceval2->pending.async_exc;
  _Py_atomic_store_relaxed(&ceval2->eval_breaker, breaker);
}

int handle_eval_breaker(PyThreadState* tstate) {
  PyInterpreterState* interp = tstate->interp;
  // Signals and pending calls (Py_MakePendingCalls does both, each only on the main thread).
  if (_Py_atomic_load_relaxed(&_PyRuntime.ceval.signals_pending) ||
      _Py_atomic_load_relaxed(&interp->ceval.pending.calls_to_do)) {
    if (Py_MakePendingCalls() != 0) return -1;
  }
  // Another thread asked for the GIL: releasing and re-taking it hands it over.
  if (_Py_atomic_load_relaxed(&interp->ceval.gil_drop_request)) {
    PyThreadState* saved = PyEval_SaveThread();
    PyEval_RestoreThread(saved);
  }
  if (tstate->async_exc != nullptr) {
    PyObject* exc = tstate->async_exc;
    tstate->async_exc = nullptr;
    interp->ceval.pending.async_exc = 0;
    recompute_eval_breaker(interp);
    _PyErr_SetNone(tstate, exc);
    Py_DECREF(exc);
    return -1;
  }
  return 0;
}

static Names g_names;

const Names& names() { return g_names; }

bool init_names() {
  struct Entry {
    PyObject** slot;
    const char* text;
  } entries[] = {
      {&g_names.enter, "__enter__"},       {&g_names.exit, "__exit__"},
      {&g_names.aenter, "__aenter__"},     {&g_names.aexit, "__aexit__"},
      {&g_names.build_class, "__build_class__"}, {&g_names.annotations, "__annotations__"},
      {&g_names.displayhook, "displayhook"}, {&g_names.import, "__import__"},
      {&g_names.all, "__all__"},           {&g_names.dict, "__dict__"},
      {&g_names.name, "__name__"},         {&g_names.spec, "__spec__"},
      {&g_names.get, "get"},               {&g_names.match_args, "__match_args__"},
      {&g_names.attr_name, "name"},
  };
  for (auto& entry : entries) {
    if (*entry.slot != nullptr) continue;
    *entry.slot = PyUnicode_InternFromString(entry.text);
    if (*entry.slot == nullptr) return false;
  }
  return true;
}

}  // namespace janus::vm
