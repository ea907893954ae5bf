// Tier 1's entry points for the launcher (interop/main.cpp): install the JIT on the VM's
// hooks, and the `_janus_jit` test module. Everything else in jit/ is internal.
#pragma once

struct _object;  // PyObject (this header must not need CPython's internal headers)

namespace janus::jit {

// Installs the loop and record hooks on tier 0 and reads the JANUS_JIT_* options. Call
// after the eval hook is installed, only when JANUS_JIT=on. False (logged) on failure.
bool install();

// Counters for tests and tools (`_janus_jit.stats()`).
struct Stats {
  unsigned long long recordings = 0;        // recordings started
  unsigned long long traces_compiled = 0;   // traces installed (machine code or interpreter)
  unsigned long long traces_native = 0;     // of those, run as machine code
  unsigned long long trace_entries = 0;     // times a trace was entered
  unsigned long long iterations = 0;        // loop iterations run inside traces
  unsigned long long exits = 0;             // all exits
  unsigned long long deopts = 0;            // exits at a failed guard
  unsigned long long raises = 0;            // exits because a helper raised
  unsigned long long breaker_exits = 0;     // exits at LOOP for the eval breaker
  unsigned long long aborts = 0;            // recordings that gave up
  unsigned long long blacklisted = 0;       // loops blacklisted
  unsigned long long dropped = 0;           // traces dropped as unstable
  unsigned long long side_traces = 0;       // side traces compiled (grown from hot exits)
  unsigned long long side_entries = 0;      // times an exit ran its side trace
};
const Stats& stats();

// `_janus_jit`: stats(), aborts() (reason -> count), loops(func) (per-loop state), reset().
// Register with PyImport_AppendInittab before Py_Initialize.
_object* init_test_module();

}  // namespace janus::jit
