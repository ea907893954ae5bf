// Tier 1's control: the loop hook (run a trace, start a recording, or stay in tier 0),
// the record hook (feed the recorder, then optimize and install what it produced), the
// trace cache per (code object, loop head), and blacklisting with back-off.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/options.h"
#include "jit/backend_x64.h"
#include "jit/deopt.h"
#include "jit/jit.h"
#include "jit/log.h"
#include "jit/passes/passes.h"
#include "jit/record.h"
#include "vm/vm.h"

namespace janus::jit {

namespace {

struct Settings {
  int max_trace = 400;
  int max_inline = 6;
  int blacklist_after = 4;
  unsigned long long hot_exit = 8;  // 0: no side traces
  // Longer traces run in the IR interpreter for compile_after iterations before their
  // machine code is built (0: at once): the register allocator's time grows with the
  // trace, and a loop that runs a few times does not pay it back.
  int eager_ops = 100;
  unsigned long long compile_after = 64;
};
Settings g_settings;
Stats g_stats;
std::map<std::string, unsigned long long> g_abort_reasons;

struct Compiled;

// A loop trace's exit and the side trace grown from it.
struct SideExit {
  std::shared_ptr<Compiled> trace;
  int failures = 0;      // aborted recordings and dropped side traces: stop at blacklist_after
};

// One compiled loop (or side) trace. Shared: a recursive call may run the same trace while
// an outer activation is still inside it, and the trace may be dropped in between.
struct Compiled {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<MachineCode> code;  // nullptr: run by the IR interpreter
  bool compile_pending = false;       // machine code to build once it has run enough
  unsigned long long interpreted = 0;  // iterations (and runs) in the IR interpreter so far
  std::vector<Ref> exit_op;           // snapshot -> the op that exits there
  std::vector<bool> loop_end;         // snapshot is the loop's normal end (not a failure)
  std::vector<unsigned long long> exit_counts;
  std::vector<SideExit> sides;        // per snapshot (loop traces only)
  std::vector<bool> keeps_entry_state;  // per snapshot: deopt.h exit_keeps_entry_state
  // Per snapshot (loop traces): the side trace's entry its exit stub calls (machine code
  // linking, backend_x64.h ExitLinks; nullptr: not linked), and the side runs in a row that
  // left before the loop head (the stub zeroes it when one gets back there).
  std::unique_ptr<TraceEntry[]> links;
  std::unique_ptr<int32_t[]> early_runs;
  // Side traces dropped while this trace lives: machine code of an outer activation may
  // still be inside one (a recursive run dropped it), so they go with this trace.
  std::vector<std::shared_ptr<Compiled>> retired;
  int exit_values = 0;
  // The namespaces of the recorded frame: the trace's constants (globals, builtins, names)
  // come from them, so it only runs in frames with the same ones (compared by identity).
  PyObject* globals = nullptr;   // strong references (an address must not be reused)
  PyObject* builtins = nullptr;
  PyObject* locals = nullptr;
  ~Compiled() {
    code.reset();  // the machine code embeds the trace's constants: it goes first
    Py_XDECREF(globals);
    Py_XDECREF(builtins);
    Py_XDECREF(locals);
  }
};

struct LoopState {
  std::shared_ptr<Compiled> compiled;
  bool blacklisted = false;
  bool entered = false;  // logged its first entry
  int failures = 0;      // aborted recordings and dropped traces
  unsigned long long wait = 0;  // hook calls to let pass before recording again
  int last_exit = -1;    // unstable-trace detection: same early exit again and again
  int same_exit_runs = 0;
  int ended_early = 0;   // recordings cut short by the loop's end (retried at once)
  int callee_retries = 0;  // recordings that failed inside an inlined callee (retried)
};

struct CodeState {
  std::map<int, LoopState> loops;
};

void destroy_code_state(void* state) { delete static_cast<CodeState*>(state); }

CodeState* code_state(PyCodeObject* code) {
  void** slot = vm::jit_slot(code);
  if (slot == nullptr) return nullptr;
  if (*slot == nullptr) *slot = new CodeState;
  return static_cast<CodeState*>(*slot);
}

// The recording in progress (one at a time).
PyCodeObject* g_rec_code = nullptr;
std::shared_ptr<Compiled> g_rec_parent;  // a side recording: the trace whose exit it grows from
int g_rec_exit = -1;
int g_rec_head = -1;
PyObject* g_rec_globals = nullptr;
PyObject* g_rec_builtins = nullptr;
PyObject* g_rec_locals = nullptr;

// A recording of the loop at `head` in `frame` starts (its trace will run only in frames
// with the same namespaces).
void note_recording(_PyInterpreterFrame* frame, int head) {
  g_rec_code = frame->f_code;
  g_rec_head = head;
  g_rec_globals = frame->f_globals;
  g_rec_builtins = frame->f_builtins;
  g_rec_locals = frame->f_locals;
  g_stats.recordings++;
}

void note_failure(PyCodeObject* code, int head, LoopState& loop, const std::string& why) {
  loop.failures++;
  if (loop.failures >= g_settings.blacklist_after) {
    loop.blacklisted = true;
    g_stats.blacklisted++;
    if (log_enabled(LogCategory::Tiers)) {
      log(LogCategory::Tiers, "loop at " + where(code, head) + " blacklisted after " +
                                  std::to_string(loop.failures) + " failures (last: " + why + ")");
    }
  } else {
    loop.wait = 1ull << loop.failures;  // back-off: 2, 4, 8, ... hot back-edges
  }
}

const char* guard_kind(const Trace& trace, Ref op) {
  return op >= 0 ? op_info(trace.ops[op].op).name : "?";
}

// The machine code of `trace` for `c` (a loop trace's exit stubs call linked side traces
// through c's link slots); nullptr with the reason in *why.
std::unique_ptr<MachineCode> machine_code(Compiled& c, const Trace& trace, std::string* why,
                                          std::string* listing) {
  ExitLinks links{c.links.get(), c.early_runs.get(), &g_stats.side_entries};
  return compile(trace, why, listing, trace.side ? nullptr : &links);
}

// A parent's exit stub may call its side trace itself when both are native and the side
// trace's exit values fit the buffer it gets.
bool linkable(const Compiled& parent, const Compiled& side) {
  return parent.code && side.code && side.exit_values <= kLinkedExitValues;
}

// " (x.y ms)": the time since `started` (trace log lines).
std::string took_since(std::chrono::steady_clock::time_point started) {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  char took[32];
  std::snprintf(took, sizeof took, " (%.1f ms)", ms);
  return took;
}

// JANUS_JIT_DUMP=2: where the machine code lies (to read its profiles against) and its
// listing.
void print_listing(const Compiled& c, const std::string& listing) {
  if (c.code) {
    std::fprintf(stderr, "; machine code at %p, %zu bytes\n",
                 reinterpret_cast<void*>(c.code->entry()), c.code->size());
  }
  std::fputs(listing.c_str(), stderr);
}

// Optimizes, verifies and compiles a recorded trace; nullptr (logged) when ill-formed.
std::shared_ptr<Compiled> build(PyCodeObject* code, int head, std::unique_ptr<Trace> trace) {
  const auto started = std::chrono::steady_clock::now();
  optimize(*trace);
  std::string error = verify(*trace);
  if (!error.empty()) {
    // A recorder or pass bug: never run an ill-formed trace.
    g_stats.aborts++;
    g_abort_reasons["internal: " + error]++;
    if (log_enabled(LogCategory::Traces)) {
      log(LogCategory::Traces, "aborted " + where(code, head) + ": ill-formed trace: " + error);
    }
    return nullptr;
  }
  auto compiled = std::make_shared<Compiled>();
  std::string why_not, listing;
  const bool want_listing = dump_asm_enabled() && log_enabled(LogCategory::Traces);
  const size_t nsnap = trace->snapshots.size();
  compiled->links = std::make_unique<TraceEntry[]>(nsnap);  // value-initialized: nullptr
  compiled->early_runs = std::make_unique<int32_t[]>(nsnap);
  const bool defer = g_settings.compile_after > 0 &&
                     trace->ops.size() > static_cast<size_t>(g_settings.eager_ops);
  if (defer) {
    compiled->compile_pending = true;
    why_not = "until it has run " + std::to_string(g_settings.compile_after) + " iterations";
  } else {
    compiled->code = machine_code(*compiled, *trace, &why_not, want_listing ? &listing : nullptr);
  }
  compiled->exit_op.assign(nsnap, kNoRef);
  compiled->loop_end.assign(nsnap, false);
  compiled->exit_counts.assign(nsnap, 0);
  compiled->sides.resize(nsnap);
  compiled->keeps_entry_state.assign(nsnap, false);
  for (size_t s = 0; s < nsnap; s++) {
    compiled->keeps_entry_state[s] = exit_keeps_entry_state(*trace, static_cast<int>(s));
  }
  int guards = 0, ops = 0;
  for (Ref r = 0; r < static_cast<Ref>(trace->ops.size()); r++) {
    const Instr& in = trace->ops[r];
    ops++;
    if (op_info(in.op).flags & kGuard) guards++;
    if (in.exit < 0) continue;
    if (compiled->exit_op[in.exit] == kNoRef) compiled->exit_op[in.exit] = r;
    if (in.op == Op::GUARD_ITER_NOT_DONE || in.op == Op::LOOP ||
        (in.op == Op::GUARD_IS_NOT && in.imm == reinterpret_cast<int64_t>(exhausted_sentinel()))) {
      compiled->loop_end[in.exit] = true;
    }
  }
  compiled->exit_values = max_exit_values(*trace);
  compiled->globals = Py_XNewRef(g_rec_globals);
  compiled->builtins = Py_XNewRef(g_rec_builtins);
  compiled->locals = Py_XNewRef(g_rec_locals);
  g_stats.traces_compiled++;
  if (compiled->code) g_stats.traces_native++;
  if (log_enabled(LogCategory::Traces)) {
    std::string how = compiled->code ? "x86-64" : "IR interpreter (" + why_not + ")";
    std::string what = trace->side ? "side trace of loop at " : "loop at ";
    // Optimization and code generation (a long trace's cost is mostly the register allocator).
    log(LogCategory::Traces, "compiled " + what + where(code, head) + ": " +
                                 std::to_string(ops) + " ops, " + std::to_string(guards) +
                                 " guards, " + std::to_string(nsnap) + " snapshots, runs on " + how +
                                 took_since(started));
    if (dump_enabled()) std::fputs(print_trace(*trace).c_str(), stderr);
    if (want_listing) print_listing(*compiled, listing);
  }
  compiled->trace = std::move(trace);
  return compiled;
}

// Builds the machine code of `c` (a trace the IR interpreter ran while it proved hot) and
// links it with its side traces (a loop trace) or its parent (a side trace of `parent`'s
// exit `pexit`) where both are native.
void compile_now(Compiled& c, PyCodeObject* code, int head, Compiled* parent, int pexit) {
  c.compile_pending = false;
  const auto started = std::chrono::steady_clock::now();
  const Trace& trace = *c.trace;
  std::string why_not, listing;
  const bool want_listing = dump_asm_enabled() && log_enabled(LogCategory::Traces);
  c.code = machine_code(c, trace, &why_not, want_listing ? &listing : nullptr);
  if (c.code) g_stats.traces_native++;
  if (log_enabled(LogCategory::Traces)) {
    std::string what = trace.side ? "side trace of loop at " : "loop at ";
    log(LogCategory::Traces, (c.code ? "machine code for " : "no machine code for ") + what +
                                 where(code, head) + " after " + std::to_string(c.interpreted) +
                                 " iterations in the IR interpreter" +
                                 (c.code ? took_since(started) : ": " + why_not));
    if (want_listing && c.code) print_listing(c, listing);
  }
  if (!c.code) return;
  if (trace.side) {
    if (parent != nullptr && linkable(*parent, c)) parent->links[pexit] = c.code->entry();
    return;
  }
  for (size_t s = 0; s < c.sides.size(); s++) {
    const std::shared_ptr<Compiled>& side = c.sides[s].trace;
    if (side && linkable(c, *side)) c.links[s] = side->code->entry();
  }
}

// After a run of `c` in the IR interpreter: counts it, and builds its machine code when
// it has run enough.
void note_interpreted(Compiled& c, uint64_t iterations, PyCodeObject* code, int head,
                      Compiled* parent = nullptr, int pexit = -1) {
  if (!c.compile_pending) return;
  c.interpreted += iterations + 1;
  if (c.interpreted >= g_settings.compile_after) compile_now(c, code, head, parent, pexit);
}

void install_trace(PyCodeObject* code, int head, std::unique_ptr<Trace> trace) {
  LoopState& loop = code_state(code)->loops[head];
  std::shared_ptr<Compiled> compiled = build(code, head, std::move(trace));
  if (!compiled) {
    note_failure(code, head, loop, "ill-formed trace");
    return;
  }
  loop.compiled = std::move(compiled);
  loop.same_exit_runs = 0;
  loop.last_exit = -1;
  vm::mark_loop_entry(code, head);  // a `for` loop: entered at its head from now on
}

void finish_side_recording(PyCodeObject* code, int head, RecordResult result) {
  std::shared_ptr<Compiled> parent = std::move(g_rec_parent);
  SideExit& side = parent->sides[g_rec_exit];
  if (result.trace) {
    side.trace = build(code, head, std::move(result.trace));
    if (!side.trace) {
      side.failures++;
      return;
    }
    g_stats.side_traces++;
    parent->early_runs[g_rec_exit] = 0;
    // Both native: the parent's exit stub calls the side trace itself from now on.
    if (linkable(*parent, *side.trace)) {
      parent->links[g_rec_exit] = side.trace->code->entry();
    }
    return;
  }
  g_stats.aborts++;
  g_abort_reasons[result.abort_reason]++;
  side.failures++;
  if (log_enabled(LogCategory::Traces)) {
    log(LogCategory::Traces, "aborted side trace of loop at " + where(code, head) + ": " +
                                 result.abort_reason + " at " +
                                 where(result.abort_code ? result.abort_code : code, result.abort_pc));
  }
}

void finish_recording() {
  PyCodeObject* code = g_rec_code;
  int head = g_rec_head;
  g_rec_code = nullptr;
  RecordResult result = take_result();
  if (g_rec_parent) {
    finish_side_recording(code, head, std::move(result));
    return;
  }
  CodeState* state = code_state(code);
  if (state == nullptr) return;
  if (result.trace) {
    install_trace(code, head, std::move(result.trace));
    return;
  }
  g_stats.aborts++;
  g_abort_reasons[result.abort_reason]++;
  if (log_enabled(LogCategory::Traces)) {
    int pc = result.abort_pc >= 0 ? result.abort_pc : head;
    PyCodeObject* at = result.abort_pc >= 0 && result.abort_code ? result.abort_code : code;
    log(LogCategory::Traces, "aborted loop at " + where(code, head) + ": " + result.abort_reason +
                                 " at " + where(at, pc) +
                                 (result.callee_blamed ? " (that code is called, not inlined, from now on)" : ""));
  }
  LoopState& loop = state->loops[head];
  // A short loop (a comprehension over a few items) whose hot back-edge fell on its last
  // item: the hook runs again at the loop's next back-edge (kPollNext), in its next run,
  // and records from there; only repeated such ends count as failures.
  if (result.abort_reason == kLoopEndedWhileRecording &&
      ++loop.ended_early <= 2 * g_settings.blacklist_after) {
    return;
  }
  // The recording failed inside a callee it inlined, which later recordings call instead:
  // retried at the next hot back-edge, not a failure of the loop (bounded like the above).
  if (result.callee_blamed && ++loop.callee_retries <= 2 * g_settings.blacklist_after) return;
  note_failure(code, head, loop, result.abort_reason);
}

int on_record(PyThreadState*, _PyInterpreterFrame* frame, int offset, PyObject** stack_pointer) {
  if (g_rec_code == nullptr) return 1;
  if (offset < 0) {
    // Inlined callees return through here too (their RETURN_VALUE was recorded); frames
    // the trace does not inline are not its business.
    if (frame != recording_frame()) return 0;
    abort_recording("the frame returned or raised while recording");
  } else {
    bool error_before = PyErr_Occurred() != nullptr;
    bool go_on = record_instruction(frame, offset, stack_pointer);
    if (!error_before && PyErr_Occurred()) {
      // The recorder only inspects values; an error it caused must not leak into the
      // program (and means its view was wrong): give up on this recording.
      PyErr_Clear();
      abort_recording("internal: the recorder left an exception set");
      go_on = false;
    }
    if (go_on) return 0;
  }
  if (!is_recording()) finish_recording();
  return 1;
}

// Room for one exit's values (most exits fit in the fixed part).
struct ExitBuffer {
  uint64_t small[64];
  std::vector<uint64_t> large;
  uint64_t* reserve(int n) {
    if (n <= 64) return small;
    large.resize(n);
    return large.data();
  }
};

// Where a linked side trace called from a loop trace's machine code left (TraceContext).
struct LinkedExit {
  uint64_t values[kLinkedExitValues];
  int exit = -1;
  TraceEntry code = nullptr;
};

// Runs `c` on the loop's frame (as it stands: its entry state; a side trace's also `entry`,
// its parent's exit buffer) and returns the exit taken, its values in `values`; `linked`:
// where a linked side trace the loop trace called left.
int execute(const Compiled& c, PyThreadState* tstate, _PyInterpreterFrame* frame,
            uint64_t* values, uint64_t* iterations, const uint64_t* entry = nullptr,
            LinkedExit* linked = nullptr) {
  TraceContext ctx;
  ctx.entry_values = entry;
  if (linked != nullptr) ctx.side_exit_values = linked->values;
  ctx.tstate = tstate;
  ctx.frame = frame;
  ctx.localsplus = frame->localsplus;
  ctx.stack_base = _PyFrame_Stackbase(frame);
  ctx.eval_breaker = reinterpret_cast<const int*>(&tstate->interp->ceval.eval_breaker);
  ctx.exit_values = values;
  if (c.compile_pending) {  // back here when it has run enough to be compiled
    ctx.iteration_limit = g_settings.compile_after > c.interpreted ? g_settings.compile_after - c.interpreted : 1;
  }
  int exit = c.code ? c.code->entry()(&ctx) : interpret(*c.trace, &ctx);
  *iterations = ctx.iterations;
  if (linked != nullptr) {
    linked->exit = ctx.side_exit;
    linked->code = ctx.side_code;
  }
  return exit;
}

// Counts (and logs) an exit of `c`, a trace of the loop in `code`; returns how often that
// exit has been taken.
unsigned long long note_exit(Compiled& c, int exit, PyCodeObject* code) {
  const Trace& trace = *c.trace;
  const Snapshot& snap = trace.snapshots[exit];
  Ref op = c.exit_op[exit];
  unsigned long long count = ++c.exit_counts[exit];
  Op kind = op >= 0 ? trace.ops[op].op : Op::LOOP;
  if (kind == Op::SIDE_END) return count;  // back at the loop head: no exit to speak of
  g_stats.exits++;
  if (snap.kind == Snapshot::RaiseAt) {
    g_stats.raises++;
  } else if (kind == Op::LOOP) {
    g_stats.breaker_exits++;
  } else {
    g_stats.deopts++;
  }
  if (log_enabled(LogCategory::Deopts) && kind != Op::LOOP) {
    int pc = op >= 0 ? trace.ops[op].pc : snap.pc;
    // Inside an inlined call: the callee's code and line.
    PyCodeObject* at = snap.code != nullptr ? static_cast<PyCodeObject*>(snap.code) : code;
    log(LogCategory::Deopts, std::string(snap.kind == Snapshot::RaiseAt ? "raise in " : "guard ") +
                                 guard_kind(trace, op) + " failed in " +
                                 (trace.side ? "a side trace of " : "") + where(at, pc) + " (@" +
                                 std::to_string(pc) + "), exit " + std::to_string(exit) +
                                 " taken " + std::to_string(count) + " times");
  }
  return count;
}

// run_side's result when the side trace reached the loop head and the parent trace goes
// on (the loop frame holds the loop head's state: written back, or never touched).
constexpr int kBackAtHead = -1000;
constexpr int kNoSideRun = -1001;  // the exit has no side trace

// What follows a run of side trace `s` of exit `pexit` of `parent` (stitched: entered by
// run_side, or by the parent's exit stub), which left at `exit` (its values in `values`) or
// returned kSideBackAtHead. Returns kBackAtHead, or tier 0's result at its exit
// (deoptimized). A side trace that keeps leaving before the loop head is dropped (a failure
// of that exit).
int finish_side(PyThreadState* tstate, _PyInterpreterFrame* frame, int head, Compiled& parent,
                int pexit, const std::shared_ptr<Compiled>& s, int exit, const uint64_t* values) {
  if (exit == kSideBackAtHead) {  // nothing stored, nothing to write
    parent.early_runs[pexit] = 0;
    return kBackAtHead;
  }
  const Trace& trace = *s->trace;
  note_exit(*s, exit, frame->f_code);
  Ref op = s->exit_op[exit];
  if (op >= 0 && trace.ops[op].op == Op::SIDE_END) {
    g_stats.iterations++;
    parent.early_runs[pexit] = 0;
    bool breaker = tstate->interp->ceval.eval_breaker._value != 0;
    // What the machine code's kSideBackAtHead does, for a side trace the IR interpreter ran.
    if (!breaker && s->keeps_entry_state[exit]) return kBackAtHead;
    int result = deoptimize(trace, exit, values, frame);
    return result == vm::kResumed && !breaker ? kBackAtHead : result;
  }
  int result = deoptimize(trace, exit, values, frame);
  SideExit& side = parent.sides[pexit];
  if (trace.snapshots[exit].kind == Snapshot::Resume && force_deopt_period() == 0 &&
      ++parent.early_runs[pexit] >= 2 * g_settings.blacklist_after && side.trace == s) {
    g_stats.dropped++;
    side.failures++;
    parent.early_runs[pexit] = 0;
    parent.links[pexit] = nullptr;
    parent.retired.push_back(std::move(side.trace));
    if (log_enabled(LogCategory::Tiers)) {
      log(LogCategory::Tiers, "side trace of loop at " + where(frame->f_code, head) +
                                  " dropped: guard " + guard_kind(trace, op) +
                                  " fails on every run");
    }
  }
  return result;
}

// Runs the side trace of exit `pexit` of `parent`, just taken, stitched: the exit was not
// deoptimized, and the side trace starts from its exit buffer `entry`.
int run_side(PyThreadState* tstate, _PyInterpreterFrame* frame, int head, Compiled& parent,
             int pexit, const uint64_t* entry, ExitBuffer& buffer) {
  std::shared_ptr<Compiled> s = parent.sides[pexit].trace;  // keeps it alive while it runs
  g_stats.side_entries++;
  uint64_t* values = buffer.reserve(s->exit_values);
  uint64_t iterations = 0;
  int exit = execute(*s, tstate, frame, values, &iterations, entry);
  g_stats.iterations += iterations;
  note_interpreted(*s, iterations, frame->f_code, head, &parent, pexit);
  return finish_side(tstate, frame, head, parent, pexit, s, exit, values);
}

// The side trace whose entry `code` the exit stub of `pexit` called (linked then; it may
// have been dropped since, by a recursive run: then it is retired).
std::shared_ptr<Compiled> linked_side(const Compiled& parent, int pexit, TraceEntry code) {
  auto ran = [&](const std::shared_ptr<Compiled>& c) {
    return c && c->code && c->code->entry() == code;
  };
  if (ran(parent.sides[pexit].trace)) return parent.sides[pexit].trace;
  for (const std::shared_ptr<Compiled>& c : parent.retired) {
    if (ran(c)) return c;
  }
  Py_FatalError("janus: a linked side trace that its parent does not know");
}

// Whether exit `exit` of loop trace `c` (just taken for the count-th time, its state
// written) should grow a side trace now.
bool wants_side_trace(const Compiled& c, int exit, unsigned long long count, int head) {
  if (g_settings.hot_exit == 0 || count < g_settings.hot_exit || g_rec_code != nullptr) return false;
  const Trace& trace = *c.trace;
  const Snapshot& snap = trace.snapshots[exit];
  Ref op = c.exit_op[exit];
  if (trace.side || snap.kind != Snapshot::Resume || c.loop_end[exit] || op < 0 ||
      trace.ops[op].op == Op::LOOP) {
    return false;
  }
  if (snap.callers.empty() && snap.pc == head) return false;  // that is the loop trace itself
  const SideExit& side = c.sides[exit];
  return !side.trace && side.failures < g_settings.blacklist_after;
}

// Starts recording a side trace from exit `exit` of `compiled`: tier 0 is about to continue
// the innermost frame the exit wrote (tstate's current frame; `frame` is the loop's).
void start_side(PyThreadState* tstate, _PyInterpreterFrame* frame, int head,
                const std::shared_ptr<Compiled>& compiled, int exit) {
  std::vector<_PyInterpreterFrame*> frames;
  for (_PyInterpreterFrame* f = tstate->cframe->current_frame; f != frame; f = f->previous) {
    frames.push_back(f);
  }
  frames.push_back(frame);
  std::reverse(frames.begin(), frames.end());
  _PyInterpreterFrame* inner = frames.back();
  int pc = static_cast<int>(inner->prev_instr + 1 - _PyCode_CODE(inner->f_code));
  note_recording(frame, head);
  g_rec_parent = compiled;
  g_rec_exit = exit;
  if (log_enabled(LogCategory::Traces)) {
    log(LogCategory::Traces, "recording side trace of loop at " + where(frame->f_code, head) +
                                 " from exit " + std::to_string(exit) + " at " +
                                 where(inner->f_code, pc));
  }
  start_side_recording(frames, head, pc, *compiled->trace, exit, g_settings.max_trace,
                       g_settings.max_inline);
}

// Runs the loop's trace from the loop head (and the side traces of the exits it takes)
// and lands in tier 0 at the exit where they leave.
int run_trace(PyThreadState* tstate, _PyInterpreterFrame* frame, int head, LoopState& loop,
              PyObject** stack_pointer) {
  std::shared_ptr<Compiled> compiled = loop.compiled;  // keeps it alive while it runs
  const Trace& trace = *compiled->trace;
  PyObject** base = _PyFrame_Stackbase(frame);
  if (stack_pointer - base != trace.entry_stack_depth || frame->f_globals != compiled->globals ||
      frame->f_builtins != compiled->builtins || frame->f_locals != compiled->locals) {
    return vm::kContinue;
  }
  // A trace's iterations start with the eval breaker checked (record.cpp: it checks again
  // only where something since could have set it): tier 0 checks it at this back-edge
  // first, and the next one enters.
  if (_Py_atomic_load_relaxed(&tstate->interp->ceval.eval_breaker)) return vm::kContinue;
  PyCodeObject* code = frame->f_code;
  if (!loop.entered && log_enabled(LogCategory::Tiers)) {
    log(LogCategory::Tiers, "loop at " + where(code, head) + " entered tier 1");
  }
  loop.entered = true;
  ExitBuffer buffer, side_buffer;  // the parent's exit values are the side trace's entry
  LinkedExit linked;
  for (;;) {
    uint64_t* values = buffer.reserve(compiled->exit_values);
    uint64_t iterations = 0;
    g_stats.trace_entries++;
    int exit = execute(*compiled, tstate, frame, values, &iterations, nullptr, &linked);
    g_stats.iterations += iterations;
    note_interpreted(*compiled, iterations, code, head);
    unsigned long long count = note_exit(*compiled, exit, code);
    const Snapshot& snap = trace.snapshots[exit];
    Ref op = compiled->exit_op[exit];
    // Stitched: the side trace takes the exit's state as it is (no deoptimize between),
    // called by the exit stub itself (linked; it left before the loop head) or from here.
    int next = kNoSideRun;
    if (linked.exit >= 0) {
      std::shared_ptr<Compiled> s = linked_side(*compiled, exit, linked.code);
      next = finish_side(tstate, frame, head, *compiled, exit, s, linked.exit, linked.values);
    } else if (compiled->sides[exit].trace) {
      next = run_side(tstate, frame, head, *compiled, exit, values, side_buffer);
    }
    if (next != kNoSideRun) {
      if (next != kBackAtHead) return next;
      // Dropped meanwhile (a recursive run): tier 0 goes on at the loop head.
      if (loop.compiled != compiled) return resume_at_loop_head(trace, frame);
      continue;
    }
    int result = deoptimize(trace, exit, values, frame);
    if (result != vm::kResumed) return result;
    if (wants_side_trace(*compiled, exit, count, head)) {
      start_side(tstate, frame, head, compiled, exit);
      return result | vm::kRecordResumed;
    }
    // A trace that keeps leaving at the same speculation without a full iteration does no
    // good: drop it (it may be recorded again on the new path) and count a failure.
    bool early = iterations <= 1 && snap.kind == Snapshot::Resume && !compiled->loop_end[exit];
    if (early && force_deopt_period() == 0) {
      loop.same_exit_runs = loop.last_exit == exit ? loop.same_exit_runs + 1 : 1;
      loop.last_exit = exit;
      if (loop.same_exit_runs >= 2 * g_settings.blacklist_after && loop.compiled == compiled) {
        g_stats.dropped++;
        if (log_enabled(LogCategory::Tiers)) {
          log(LogCategory::Tiers, "loop at " + where(code, head) + " back to tier 0: guard " +
                                      guard_kind(trace, op) + " at " + where(code, snap.pc) +
                                      " fails on every entry");
        }
        loop.compiled.reset();
        note_failure(code, head, loop, std::string("unstable guard ") + guard_kind(trace, op));
      }
    } else {
      loop.same_exit_runs = 0;
    }
    return result;
  }
}

int on_loop(PyThreadState* tstate, _PyInterpreterFrame* frame, int target,
            PyObject** stack_pointer) {
  if (g_rec_code != nullptr) return vm::kContinue;  // one recording at a time
  CodeState* state = code_state(frame->f_code);
  if (state == nullptr) return vm::kContinue;
  LoopState& loop = state->loops[target];
  if (loop.compiled) {
    int result = run_trace(tstate, frame, target, loop, stack_pointer);
    // While the loop has a trace, its next back-edge enters it (a comprehension called
    // again would otherwise run JANUS_HOT_LOOP iterations in tier 0 first).
    return loop.compiled ? result | vm::kPollNext : result;
  }
  if (loop.blacklisted) return vm::kContinue;
  if (loop.wait > 0) {
    loop.wait--;
    return vm::kContinue;
  }
  int depth = static_cast<int>(stack_pointer - _PyFrame_Stackbase(frame));
  note_recording(frame, target);
  if (log_enabled(LogCategory::Traces)) {
    log(LogCategory::Traces, "recording loop at " + where(frame->f_code, target));
  }
  start_recording(frame, target, depth, g_settings.max_trace, g_settings.max_inline);
  // The next back-edge calls the hook again: it closes this recording, and the new trace
  // (or, after a recording the loop's end cut short, a new recording) starts there.
  return vm::kRecord | vm::kPollNext;
}

// A `for` loop with a trace, arrived at from before it (vm.h LoopEntryHook): its trace
// runs from the first iteration.
int on_loop_entry(PyThreadState* tstate, _PyInterpreterFrame* frame, int head,
                  PyObject** stack_pointer) {
  if (g_rec_code != nullptr) return vm::kContinue;
  CodeState* state = code_state(frame->f_code);
  if (state == nullptr) return vm::kContinue;
  auto it = state->loops.find(head);
  if (it == state->loops.end() || !it->second.compiled) return vm::kContinue;
  return run_trace(tstate, frame, head, it->second, stack_pointer);
}

int int_option(OptionId id) {
  return static_cast<int>(std::strtol(options().get(id).c_str(), nullptr, 10));
}

}  // namespace

const Stats& stats() { return g_stats; }

// For the test module.
const std::map<std::string, unsigned long long>& abort_reasons() { return g_abort_reasons; }
void reset_stats() {
  g_stats = Stats();
  g_abort_reasons.clear();
}

bool install() {
  const Options& opts = options();
  auto logs = [&](const char* name) {
    return opts.has(OptionId::Log, name) || opts.has(OptionId::Log, "all");
  };
  configure_log(logs("tiers"), logs("traces"), logs("deopts"), int_option(OptionId::JitDump));
  g_settings.max_trace = int_option(OptionId::JitMaxTrace);
  g_settings.max_inline = std::max(0, int_option(OptionId::JitMaxInline));
  g_settings.blacklist_after = std::max(1, int_option(OptionId::JitBlacklist));
  set_max_unroll(int_option(OptionId::JitMaxUnroll));
  g_settings.hot_exit = static_cast<unsigned long long>(std::max(0, int_option(OptionId::JitHotExit)));
  g_settings.compile_after = static_cast<unsigned long long>(std::max(0, int_option(OptionId::JitCompileAfter)));
  set_force_deopt_period(int_option(OptionId::JitForceDeopt));
  range_iter_layout_ok();
  vm::set_jit_slot_destructor(destroy_code_state);
  vm::set_record_hook(on_record);
  vm::set_loop_hook(on_loop);
  vm::set_loop_entry_hook(on_loop_entry);
  return true;
}

}  // namespace janus::jit
