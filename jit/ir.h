// Tier-1 IR: a loop trace as a straight list of SSA instructions (ops from jit/ir.def).
// A value is named by its instruction's index (a Ref). Every iteration starts at op 0 with
// the frame as tier 0 left it at the loop head; the last op is LOOP. No phis: values do not
// cross iterations (modified locals are written back before LOOP).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace janus::jit {

enum class Op : uint8_t {
#define JIT_OP(name, result, operands, lowering, flags) name,
#include "jit/ir.def"
#undef JIT_OP
};
inline constexpr int kOpCount = 0
#define JIT_OP(name, result, operands, lowering, flags) +1
#include "jit/ir.def"
#undef JIT_OP
    ;

enum class Type : uint8_t { Void, Obj, I64, F64, Bool };
enum class Lowering : uint8_t { Inline, Call, CallV };

enum OpFlags : uint8_t {
  kPure = 1,
  kGuard = 2,
  kMayRaise = 4,
  kEffect = 8,
  kOwned = 16,
  kInterpOnly = 32,
};

struct OpInfo {
  const char* name;
  Type result;
  int operands;  // how many of a, b, c are refs
  Lowering lowering;
  uint8_t flags;
};
const OpInfo& op_info(Op op);
const char* type_name(Type type);

using Ref = int32_t;
inline constexpr Ref kNoRef = -1;

struct Instr {
  Op op;
  Type type;              // = op_info(op).result
  Ref a = kNoRef, b = kNoRef, c = kNoRef;
  int64_t imm = 0;        // constant payload: PyObject*, int64, double bits, version, name
  int32_t aux = 0;        // small operand: slot, index, comparison, NB_* op
  int32_t list_start = 0; // variadic ops: Trace::lists[list_start .. +list_count)
  int32_t list_count = 0;
  int32_t exit = -1;      // guards and kMayRaise ops: the snapshot they exit to
  int32_t pc = -1;        // bytecode offset (code units) of the instruction it came from
  bool dead = false;      // removed by a pass (skipped by everyone)
};

// What an exit writes back into the frame. Entries are stored into the exit buffer in
// order (raw 64-bit values); the deoptimizer boxes I64/F64/Bool values into new objects.
struct SnapEntry {
  enum Kind : uint8_t {
    Local,    // frame local `index` = ref's value (a new reference)
    Stack,    // value-stack slot `index` (0 = bottom) = ref's value (a new reference)
    Release,  // an owned value live across the exit: released once after the writes
    FramePtr, // the inlined callee frame at depth `index` (1 = called by the loop frame):
              // ref is PUSH_FRAME's value (a raw frame pointer, never boxed)
  };
  Kind kind;
  int32_t index;
  Ref ref;
  int32_t depth = 0;  // Local/Stack: the frame they belong to (0 = the loop's frame)
  // Local/Stack: a bound builtin method the trace never made (passes/sink.cpp): ref is its
  // receiver, `bind` the method descriptor (a trace constant); deoptimize binds them.
  void* bind = nullptr;
};

// A frame below the innermost one at an exit inside an inlined call: it continues after
// its CALL (`pc`, code units) with `stack_depth` values (its Stack entries at its depth).
struct CallerState {
  int32_t pc = 0;
  int32_t stack_depth = 0;
};

struct Snapshot {
  enum Kind : uint8_t {
    Resume,   // continue tier 0 at `pc` (kResumed)
    RaiseAt,  // an exception is set: tier 0 unwinds from instruction `pc` (kRaiseAt)
  };
  Kind kind = Resume;
  int32_t pc = 0;           // resume point / faulting instruction (code units)
  int32_t stack_depth = 0;  // the value stack's depth at pc; every slot has a Stack entry
  // A guard exiting here may be forced to fail (JANUS_JIT_FORCE_DEOPT): only snapshots of
  // the state before the instruction whose assumption failed (re-running it is exact).
  bool forceable = false;
  std::vector<SnapEntry> entries;
  // Exits inside inlined calls: callers[d] is frame d's state (0 = the loop's frame); the
  // fields above describe the innermost frame, depth callers.size().
  std::vector<CallerState> callers;
  void* code = nullptr;  // the innermost frame's PyCodeObject when inside a call (for logs)
};

// Builds instructions, checking operand counts and types as it goes (a mistake in the
// recorder or a pass is a bug: it aborts with a message in debug builds, and the builder
// methods never emit an ill-typed instruction).
struct Trace;
class IRBuilder {
 public:
  explicit IRBuilder(Trace& trace) : trace_(trace) {}
  Ref emit(Op op, Ref a = kNoRef, Ref b = kNoRef, Ref c = kNoRef, int64_t imm = 0,
           int32_t aux = 0, int32_t exit = -1);
  Ref emit_list(Op op, const std::vector<Ref>& list, Ref a = kNoRef, int64_t imm = 0,
                int32_t aux = 0, int32_t exit = -1);
  Ref const_i64(int64_t value);
  Ref const_f64(double value);
  Ref const_bool(bool value);
  // A borrowed constant object; the trace takes a strong reference (Trace::consts).
  Ref const_obj(void* object);
  int32_t add_snapshot(Snapshot snapshot);
  void set_pc(int32_t pc) { pc_ = pc; }
  // Called before an op that may run arbitrary Python code (may_run_code) is emitted; ops
  // it emits itself do not call it again. The recorder writes inlined frames' deferred
  // locals there (record.cpp: the frames' locals must be real before code can look at them).
  void set_before_code(std::function<void(Op)> hook) { before_code_ = std::move(hook); }

 private:
  Trace& trace_;
  int32_t pc_ = -1;
  std::function<void(Op)> before_code_;
  bool in_hook_ = false;
};

// Whether an op may run arbitrary Python code (a call, a special method, a signal handler,
// a hash): kEffect ops other than reference counting, frame bookkeeping and stores whose
// only code is the release of an old value (a finalizer, as at any Py_DECREF). A CALL_C
// whose aux has kCallRunsNoCode calls a builtin of jit/known_c.def, a DESCR_GET with it
// binds a method descriptor (a builtin method object): they run none.
inline constexpr int32_t kCallRunsNoCode = 16;  // rt::kCNoCode
bool may_run_code(Op op, int32_t aux = 0);

// What CMP_I64 / CMP_F64 compute: x <op> y with op = aux (Py_LT 0, Py_LE 1, Py_EQ 2, Py_NE 3,
// Py_GT 4, Py_GE 5). The IR interpreter and constant folding both use it.
template <typename T>
bool compare_values(int op, T x, T y) {
  switch (op) {
    case 0: return x < y;
    case 1: return x <= y;
    case 2: return x == y;
    case 3: return x != y;
    case 4: return x > y;
    default: return x >= y;
  }
}

// Text form, one instruction a line:
//   0007 i64  ADD_I64_OVF  %3, %5  exit=2   @12
// followed by the snapshots. Used by tests, JANUS_JIT_DUMP and logs.
std::string print_instr(const Trace& trace, Ref ref);
std::string print_trace(const Trace& trace);

// Checks well-formedness (operand refs before use and of the right types, exits that exist,
// LOOP last). Empty string when fine, else what is wrong.
std::string verify(const Trace& trace);

}  // namespace janus::jit
