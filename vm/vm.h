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

// Inline calls: a Python-to-Python call made by tier 0 runs in the caller's dispatch loop
// (no C recursion through _PyEval_EvalFrame and the hook) when the hook would give the
// callee's frame to the VM anyway: `gate(code)` says whether the hook's policy selects
// `code` (asked once per code object), and `hook` must still be the interpreter's frame
// evaluator, with no trace or profile function set. Such frames never enter the hook; their
// count is stats().inlined, and inlined_entries(code) per code object. Without a gate no
// call is inlined.
//
// Library code (the default policy leaves it to CPython) says kWhileRecording: a call of it
// runs inline only when the JIT's recorder inlines that very call into a trace
// (allow_library_call, just before tier 0 makes it), so that a trace can inline a hot
// library function (`random.gauss` called from the user's loop); the compiled trace then
// runs its frame, and an exit inside it resumes that frame in tier 0. Otherwise such code
// stays CPython's, even while recording (library code a recorded iteration merely calls,
// `re.compile` say, is not run by tier 0).
enum class Gate : unsigned char { kCPython, kVm, kWhileRecording };
using EntryGate = Gate (*)(PyCodeObject* code);
void set_entry_gate(EntryGate gate, _PyFrameEvalFunction hook);
unsigned long long inlined_entries(PyCodeObject* code);
// Whether a Python call of `code` that tier 0 makes now, while the JIT records, runs inline
// (in the caller's dispatch loop): the JIT inlines only such calls, whose frames it records
// in that loop.
bool runs_inline_while_recording(PyThreadState* tstate, PyCodeObject* code);
// Calls of instances whose type defines __call__ in Python (`model(x)`, vm/type_call.h), for
// the JIT's inlined frames: the function to run (type.__call__, borrowed) when tier 0 runs
// such calls inline, else nullptr; the tp_call slot's recursion level, taken before the
// frame is pushed (false: RecursionError set) and given back if the push fails; the frame
// that holds it; and the check every popped inlined frame makes (it also ends a
// __getattr__ frame's registration, vm/getattr.h: a trace's normal return).
PyObject* call_slot_function(PyTypeObject* type);
bool take_call_slot_level(PyThreadState* tstate);
void give_back_call_slot_level(PyThreadState* tstate);
void frame_holds_call_slot_level(_PyInterpreterFrame* frame);
void release_call_slot_level(PyThreadState* tstate, _PyInterpreterFrame* frame);

// The next Python call tier 0 makes may run library code inline (the recorder inlines it);
// false withdraws an allowance not taken (the recording ended first).
void allow_library_call(bool allow = true);

// OSR exit landing point: continues `frame` at instruction `offset` (in code units) with
// `depth` values (new references, consumed) as its value stack, bottom first. The frame's
// locals must already hold the values the instruction expects. The frame must be linked as
// a hook-entered frame would be (not yet on tstate's frame chain).
PyObject* resume_at(PyThreadState* tstate, _PyInterpreterFrame* frame, int offset,
                    PyObject* const* stack, int depth);

// OSR entry point: called at a loop back-edge once the loop's counter reaches
// JANUS_HOT_LOOP (and every JANUS_HOT_LOOP iterations after). `target` is the loop head
// offset; `stack_pointer` the frame's current stack top. It returns a LoopHookResult.
enum LoopHookResult : int {
  kContinue = 0,  // go on interpreting at the loop head
  kError = -1,    // an exception is set: raise it at the JUMP_BACKWARD
  // The hook rewrote the frame (the JIT ran a trace and deoptimized): locals, the value
  // stack (frame->stacktop counts it) and frame->prev_instr = the instruction before the
  // resume point. Tier 0 reloads its position from the frame and continues; a resume at
  // the loop head is still this back-edge (the eval breaker is checked there).
  kResumed = 1,
  // Like kResumed, but an exception is set and frame->prev_instr is the faulting
  // instruction: tier 0 unwinds from there (traceback line and handler as its own).
  kRaiseAt = 2,
  // With kResumed / kRaiseAt, the hook may also leave frames of Python calls the trace
  // inlined above `frame`: pushed and linked as tier 0's inline call does (is_entry false,
  // recursion counted), their stacks and prev_instr written, the innermost made
  // tstate->cframe->current_frame. Tier 0 then continues (or unwinds from) that frame, and
  // each returns into its caller in the same dispatch loop.

  // Start recording: this frame's dispatch goes through the record hook from the loop head.
  kRecord = 3,
  // OR'ed into any result above: call the hook again at this loop's next back-edge (not
  // JANUS_HOT_LOOP back-edges later). The JIT asks it for loops that have a trace, so a
  // loop started afresh (a comprehension called again) enters its trace at once.
  kPollNext = 16,
  // OR'ed into kResumed: tier 0 continues recording (the record hook sees the resumed
  // frame's next instruction first): the JIT records a side trace from a hot exit.
  kRecordResumed = 32,
};
using LoopHook = int (*)(PyThreadState* tstate, _PyInterpreterFrame* frame, int target,
                         PyObject** stack_pointer);
void set_loop_hook(LoopHook hook);

// Loop entry: a loop the JIT has a trace for, whose head is a FOR_ITER (a `for` loop, a
// comprehension), enters its trace on first arrival there, before its first iteration,
// instead of at its first back-edge (each call of a comprehension would run one iteration
// in tier 0 first, its calls too). mark_loop_entry(code, head) asks for it; the FOR_ITER
// then calls the entry hook, which returns a LoopHookResult other than kRecord, without
// kPollNext (kContinue: no trace to run now, the FOR_ITER runs; a resume at the head runs
// it too).
using LoopEntryHook = int (*)(PyThreadState* tstate, _PyInterpreterFrame* frame, int head,
                              PyObject** stack_pointer);
void set_loop_entry_hook(LoopEntryHook hook);
void mark_loop_entry(PyCodeObject* code, int head);

// Trace recording: while a frame records, every instruction first calls the record hook
// with its offset (code units) and the stack top, then runs normally. Returning non-zero
// stops recording (the frame goes back to the normal dispatch). Calls the recording frame
// makes run in its dispatch loop (inline calls are allowed), so the hook sees their
// frames' instructions too (`frame` tells whose). Called with offset -1 and no stack when
// a frame of the loop leaves it (return, unwind, hand-over): non-zero stops recording.
using RecordHook = int (*)(PyThreadState* tstate, _PyInterpreterFrame* frame, int offset,
                           PyObject** stack_pointer);
void set_record_hook(RecordHook hook);

// Runs what the eval breaker asks for (signal handlers, pending calls, GIL hand-off,
// async exceptions), as tier 0 does at its check points. -1 with an exception set if one
// raised. (Defined in pending.cpp; the JIT calls it where tier 0 would check.)
int handle_eval_breaker(PyThreadState* tstate);

// An opaque per-code slot for the JIT (vm never looks inside). `destroy` runs when the
// code object dies with a non-null slot. nullptr for code the VM does not evaluate.
void** jit_slot(PyCodeObject* code);
void set_jit_slot_destructor(void (*destroy)(void*));

// The binary operators by BINARY_OP oparg (NB_ADD ... NB_INPLACE_XOR): tier 0's table, which
// tier 1's generic binary-op helper uses too, so both run the same function for an oparg.
using BinaryFunc = PyObject* (*)(PyObject*, PyObject*);
extern const BinaryFunc kBinaryOps[NB_INPLACE_XOR + 1];

// Counters for tests and tools.
struct Stats {
  unsigned long long frames = 0;     // frames evaluated by the VM
  unsigned long long fallbacks = 0;  // frames handed to CPython (code with an unknown opcode)
  unsigned long long inlined = 0;    // of `frames`, started by an inline call (not the hook)
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
