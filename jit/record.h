// The trace recorder: tier 0 calls it before each instruction of the recorded frame
// (vm.h RecordHook). It emits IR for the instruction with guards that make the recorded
// path valid, keeping an abstract stack of SSA refs that mirrors the VM's value stack.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jit/cpython.h"
#include "jit/trace.h"

namespace janus::jit {

struct RecordResult {
  std::unique_ptr<Trace> trace;  // set when the recording closed the loop
  std::string abort_reason;      // set when it gave up
  int abort_pc = -1;
  PyCodeObject* abort_code = nullptr;  // where abort_pc is (an inlined callee's code maybe)
  // It gave up inside an inlined callee's code: later recordings call that code instead of
  // inlining it (a retry is likely to succeed).
  bool callee_blamed = false;
};

// The abort reason of a recording whose loop ran out of items before the iteration closed
// (it started at the last one): the next call of the loop may well record fine.
inline constexpr const char* kLoopEndedWhileRecording = "the loop ended while recording";

// Starts recording `frame` at loop head `loop_head` with `stack_depth` values on the stack.
// Only one recording exists at a time.
// Calls of Python functions are inlined up to `max_inline` frames deep.
void start_recording(_PyInterpreterFrame* frame, int loop_head, int stack_depth, int max_length,
                     int max_inline);
// Starts recording a side trace at `pc` of the innermost of `frames` (frames[0] the loop's
// frame, each next one called by the one before), which exit `exit` of the loop trace
// `parent` has just written, up to the loop's back-edge (loop head `loop_head`): the trace
// tier 1 runs, instead of deoptimizing, each time that exit is taken again; its entry
// state is that exit's buffer (trace.h: TraceContext::entry_values).
void start_side_recording(const std::vector<_PyInterpreterFrame*>& frames, int loop_head, int pc,
                          const Trace& parent, int exit, int max_length, int max_inline);
// JANUS_JIT_MAX_UNROLL (0: callees holding a loop are not inlined).
void set_max_unroll(int back_edges);
bool is_recording();
// The loop's frame (the bottom one when the recording is inside an inlined call).
_PyInterpreterFrame* recording_frame();

// One instruction of a frame running in the recording loop (vm's record hook; instructions
// of frames the trace does not inline are ignored). Returns true to go on recording. When it returns
// false, take_result() says how the recording ended.
bool record_instruction(_PyInterpreterFrame* frame, int offset, PyObject** stack_pointer);
// Ends the recording because its frame left run_frame.
void abort_recording(const std::string& reason);
RecordResult take_result();

}  // namespace janus::jit
