// The interface between the trace producer (recorder, passes) and the executors (the IR
// interpreter jit::interpret and the asmjit backend): a Trace, the context it runs in, and
// the entry contract both executors follow op for op.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/ir.h"

struct _object;              // PyObject
struct _ts;                  // PyThreadState
struct _PyInterpreterFrame;  // CPython's frame

namespace janus::jit {

struct Trace {
  _object* code = nullptr;    // the PyCodeObject (borrowed: the trace hangs off it)
  int32_t loop_head = 0;      // code units: where each iteration starts
  int32_t entry_stack_depth = 0;  // value-stack depth at the loop head (LOAD_STACK range)
  // A side trace: entered straight from one exit of its parent (a loop trace), with the
  // frames as the parent left them, unwritten: the loop frame still holds the loop head's
  // stack (entry_stack_depth, the parent's: LOAD_STACK reads it and exits release it), the
  // inlined frames the parent pushed have empty stacks, and everything the exit's snapshot
  // names comes from the parent's exit buffer (ENTRY_* ops, ctx->entry_values).
  bool side = false;
  std::vector<Instr> ops;
  std::vector<Ref> lists;     // operands of variadic ops
  std::vector<Snapshot> snapshots;
  std::vector<_object*> consts;  // strong references, released by ~Trace
  Trace() = default;
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;
  ~Trace();
};

// A compiled trace's entry (the entry contract below).
struct TraceContext;
using TraceEntry = int (*)(TraceContext*);

// Everything a running trace reads. The executor fills exit_values (at least
// max_exit_values(trace) slots) and returns the snapshot index.
struct TraceContext {
  _ts* tstate = nullptr;
  // The loop's frame: tstate->cframe->current_frame when the trace starts. Ops that may run
  // arbitrary code first set prev_instr of the thread's current frame (this one, or an
  // inlined callee's frame that PUSH_FRAME made current).
  _PyInterpreterFrame* frame = nullptr;
  _object** localsplus = nullptr;   // frame->localsplus
  _object** stack_base = nullptr;   // the value stack's bottom (LOAD_STACK reads it)
  const int* eval_breaker = nullptr;  // non-zero: LOOP exits (signals, GIL hand-off)
  uint64_t* exit_values = nullptr;  // one raw 64-bit slot per entry of the exit's snapshot
  // A side trace's entry state: its parent's exit_values at the exit it grew from (read by
  // ENTRY_* ops; a different buffer from exit_values). Unused by loop traces.
  const uint64_t* entry_values = nullptr;
  int32_t exit_id = -1;             // set by the executor too (same as the return value)
  uint64_t iterations = 0;          // LOOP adds 1 each time it jumps back to op 0 (the JIT
                                    // spots traces that exit before doing any work)
  // The IR interpreter's LOOP exits once iterations reaches this (a trace it runs until its
  // machine code is built: tier 1 gets control back to build it). Machine code ignores it.
  uint64_t iteration_limit = UINT64_MAX;
  // Linked side traces (backend_x64.h ExitLinks): an exit of a loop trace whose side trace
  // is linked calls it from its exit stub with entry_values = this exit's values and
  // exit_values = side_exit_values (kLinkedExitValues slots), and goes on at op 0 when it
  // comes back at the loop head. When it leaves elsewhere, the loop trace returns its own
  // exit with side_exit = the side trace's exit (its values in side_exit_values) and
  // side_code = the side trace's entry.
  uint64_t* side_exit_values = nullptr;
  int32_t side_exit = -1;
  TraceEntry side_code = nullptr;
};

// The most exit values a side trace may have to be linked (the size of side_exit_values).
inline constexpr int kLinkedExitValues = 64;

// What a side trace's SIDE_END may return instead of its exit's index when that exit
// would write back exactly the loop-head stack the parent entered with
// (deopt.h exit_keeps_entry_state) and the eval breaker is clear: it stored nothing and
// added 1 to ctx->iterations; the parent goes on at the loop head.
inline constexpr int kSideBackAtHead = -2;

// The entry contract: run iterations from op 0 until an exit; store the values named by
// snapshot[exit].entries, in order, into ctx->exit_values; return the exit's index (a side
// trace's SIDE_END: or kSideBackAtHead, above).
// A guard that fails exits without performing the op; a kMayRaise op that fails exits
// with its exception set. Before testing a guard's condition, when
// force_deopt_period() > 0 and the guard's snapshot is `forceable`, the executor calls
// force_deopt_roll() once; true means the guard fails now.

// The IR interpreter: the reference semantics (and the fallback for traces the backend
// refuses).
int interpret(const Trace& trace, TraceContext* ctx);

// Slots needed in exit_values for any exit of `trace`.
int max_exit_values(const Trace& trace);

// JANUS_JIT_FORCE_DEOPT: 0 = off; N > 0: every forceable guard fails with probability 1/N,
// drawn from one fixed-seed PRNG shared by all executors (same sequence everywhere).
int force_deopt_period();
bool force_deopt_roll();
void set_force_deopt_period(int period);  // tests; also resets the PRNG seed

// The sentinel ITER_NEXT returns when the iterator is exhausted (an immortal object).
_object* exhausted_sentinel();

}  // namespace janus::jit
