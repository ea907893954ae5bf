// The deoptimizer: turns a trace exit into tier-0 frame state (vm.h kResumed / kRaiseAt).
#pragma once

#include "jit/cpython.h"
#include "jit/trace.h"

namespace janus::jit {

// Writes the frame as snapshot `exit` describes it from the exit buffer `values`: boxes
// unboxed values, stores locals and the value stack with correct reference counts (the
// frame's previous values, including the loop-head stack the trace entered with, are
// released), releases the owned values live across the exit, and sets prev_instr.
// An exit inside inlined calls also writes every caller frame's value stack and position
// (after its CALL); tier 0 then continues in the innermost one, the thread's current frame.
// Returns vm::kResumed, or vm::kRaiseAt when the exit is a raise (an exception is set).
int deoptimize(const Trace& trace, int exit, const uint64_t* values, _PyInterpreterFrame* frame);

// True when exit `exit` (a resume at the loop head) would write back exactly the loop-head
// stack the trace entered with and release nothing: a trace entered again at the loop head
// right away may skip deoptimize() (tier 0 itself needs it: stacktop and prev_instr).
bool exit_keeps_entry_state(const Trace& trace, int exit);

// Tier 0's view of a frame in that state (the loop frame holding the loop head's stack,
// as `trace` entered it): stacktop and prev_instr, for tier 0 to go on at the loop head.
// Returns vm::kResumed.
int resume_at_loop_head(const Trace& trace, _PyInterpreterFrame* frame);

}  // namespace janus::jit
