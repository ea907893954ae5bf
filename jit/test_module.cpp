// `_janus_jit`: what tier 1 did, for tests (tests that only compare output would pass with
// a JIT that never runs). stats() counters, aborts() by reason, reset(), and
// set_force_deopt(n) to change JANUS_JIT_FORCE_DEOPT at run time.
#include <map>
#include <string>

#include "jit/cpython.h"
#include "jit/jit.h"
#include "jit/trace.h"

namespace janus::jit {

const std::map<std::string, unsigned long long>& abort_reasons();
void reset_stats();

namespace {

PyObject* jit_stats(PyObject*, PyObject*) {
  const Stats& s = stats();
  return Py_BuildValue(
      "{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K}", "recordings", s.recordings,
      "traces_compiled", s.traces_compiled, "traces_native", s.traces_native, "trace_entries",
      s.trace_entries, "iterations", s.iterations, "exits", s.exits, "deopts", s.deopts,
      "raises", s.raises, "breaker_exits", s.breaker_exits, "aborts", s.aborts, "blacklisted",
      s.blacklisted, "dropped", s.dropped, "side_traces", s.side_traces, "side_entries",
      s.side_entries);
}

PyObject* jit_aborts(PyObject*, PyObject*) {
  PyObject* dict = PyDict_New();
  if (dict == nullptr) return nullptr;
  for (const auto& [reason, count] : abort_reasons()) {
    PyObject* value = PyLong_FromUnsignedLongLong(count);
    if (value == nullptr || PyDict_SetItemString(dict, reason.c_str(), value) < 0) {
      Py_XDECREF(value);
      Py_DECREF(dict);
      return nullptr;
    }
    Py_DECREF(value);
  }
  return dict;
}

PyObject* jit_reset(PyObject*, PyObject*) {
  reset_stats();
  Py_RETURN_NONE;
}

PyObject* jit_set_force_deopt(PyObject*, PyObject* arg) {
  long n = PyLong_AsLong(arg);
  if (n == -1 && PyErr_Occurred()) return nullptr;
  if (n < 0) {
    PyErr_SetString(PyExc_ValueError, "set_force_deopt: expected an integer >= 0");
    return nullptr;
  }
  set_force_deopt_period(static_cast<int>(n));
  Py_RETURN_NONE;
}

PyMethodDef jit_methods[] = {
    {"stats", jit_stats, METH_NOARGS, "Tier-1 counters (traces compiled, entries, exits, ...)."},
    {"aborts", jit_aborts, METH_NOARGS, "Aborted recordings by reason."},
    {"reset", jit_reset, METH_NOARGS, "Zero the counters."},
    {"set_force_deopt", jit_set_force_deopt, METH_O,
     "Change JANUS_JIT_FORCE_DEOPT (affects traces compiled afterwards)."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef jit_module = {PyModuleDef_HEAD_INIT, "_janus_jit", "Probes into Janus tier 1.", -1,
                          jit_methods};

}  // namespace

PyObject* init_test_module() { return PyModule_Create(&jit_module); }

}  // namespace janus::jit
