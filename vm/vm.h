// Tier 0: the Janus interpreter for CPython 3.11 bytecode. It evaluates CPython's own
// _PyInterpreterFrame, so frames, tracebacks, generators and sys._getframe are CPython's.
#pragma once

#include "vm/cpython.h"

namespace janus::vm {

// Call once after Py_Initialize, with the GIL held. Reads the JANUS_* options (log
// categories, hotness thresholds, the profile dump). False with a Python error on failure.
bool initialize();

// The PEP 523 entry for frames the policy gives to Janus. Code objects holding an
// instruction the VM does not implement are handed to CPython's evaluator (logged once).
// `cache` (optional) is a slot the caller keeps per code object: it saves the VM's own
// per-code lookup on later entries (the hook keeps one in its own per-code state).
struct CodeInfo;
PyObject* evaluate(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                   CodeInfo** cache = nullptr);

// OSR exit landing point: continues `frame` at instruction `offset` (in code units) with
// `depth` values (new references, consumed) as its value stack, bottom first. The frame's
// locals must already hold the values the instruction expects. The frame must be linked as
// a hook-entered frame would be (not yet on tstate's frame chain).
PyObject* resume_at(PyThreadState* tstate, _PyInterpreterFrame* frame, int offset,
                    PyObject* const* stack, int depth);

// OSR entry point: called at a loop back-edge once the loop's counter reaches
// JANUS_HOT_LOOP (and every JANUS_HOT_LOOP iterations after). `target` is the loop head
// offset; `stack_pointer` the frame's current stack top. Return 0 to go on interpreting,
// -1 with an exception set to raise it in the frame.
using LoopHook = int (*)(PyThreadState* tstate, _PyInterpreterFrame* frame, int target,
                         PyObject** stack_pointer);
void set_loop_hook(LoopHook hook);

// Counters for tests and tools.
struct Stats {
  unsigned long long frames = 0;     // frames evaluated by the VM
  unsigned long long fallbacks = 0;  // frames handed to CPython (code with an unknown opcode)
};
const Stats& stats();

// The `_janus_vm` test module (stats, OSR resume and loop-hook probes). Register it with
// PyImport_AppendInittab before Py_Initialize.
PyObject* init_test_module();

// Whether the VM evaluates frames of this code (false once it fell back to CPython).
bool handles(PyCodeObject* code);

}  // namespace janus::vm

namespace janus::profiles {
struct CodeProfile;
}

namespace janus::vm {

// The site profile tier 0 records for `code` (what the JIT reads), created on first use;
// nullptr for code the VM hands to CPython. Owned by the code object.
profiles::CodeProfile* profile_of(PyCodeObject* code);

}  // namespace janus::vm
