// Internal to the x86-64 backend (jit/backend_x64*.cpp): the lowering of one trace into
// one asmjit function. backend_x64.cpp lays out the function (prologue, loop head, exit
// stubs), backend_x64_ops.cpp lowers each op, backend_x64_calls.cpp calls the runtime
// helpers, backend_x64_inline.cpp holds inline fast paths that reproduce helpers exactly.
#pragma once

#include <asmjit/x86.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "jit/backend_x64.h"
#include "jit/cpython.h"
#include "jit/runtime.h"
#include "jit/trace.h"

namespace janus::jit::x64 {

namespace x86 = asmjit::x86;

inline constexpr int32_t kCtxFrame = offsetof(TraceContext, frame);
inline constexpr int32_t kCtxTstate = offsetof(TraceContext, tstate);
inline constexpr int32_t kCtxLocals = offsetof(TraceContext, localsplus);
inline constexpr int32_t kCtxStack = offsetof(TraceContext, stack_base);
inline constexpr int32_t kCtxEvalBreaker = offsetof(TraceContext, eval_breaker);
inline constexpr int32_t kCtxExitValues = offsetof(TraceContext, exit_values);
inline constexpr int32_t kCtxEntryValues = offsetof(TraceContext, entry_values);
inline constexpr int32_t kCtxExitId = offsetof(TraceContext, exit_id);
inline constexpr int32_t kCtxIterations = offsetof(TraceContext, iterations);
inline constexpr int32_t kCtxSideExitValues = offsetof(TraceContext, side_exit_values);
inline constexpr int32_t kCtxSideExit = offsetof(TraceContext, side_exit);
inline constexpr int32_t kCtxSideCode = offsetof(TraceContext, side_code);

// Every SSA value lives in one virtual register for the whole trace: Obj/I64/Bool in a
// 64-bit general register (Bool as 0/1), F64 in an xmm register.
// Py_DECREF / Py_XDECREF (maybe_null) of the object in `o` (3.11: no immortal objects):
// _Py_Dealloc when the count reaches zero.
void emit_decref(x86::Compiler& cc, const x86::Gp& o, bool maybe_null);

// Ops that can neither run code nor change an instance's type or dict or a function's code:
// a guard's facts (a passed attribute, type or function-version guard) still hold after
// them (backend_x64_attr.cpp).
bool runs_no_code(Op op);

class TraceLowering {
 public:
  TraceLowering(const Trace& trace, x86::Compiler& cc, const ExitLinks* links)
      : trace_(trace), cc_(cc), links_(links) {}

  // Emits the whole function; false with a reason when the trace holds something this
  // backend does not lower.
  bool run(std::string* why);

 private:
  // Virtual registers with a fixed name: asmjit names unnamed ones with snprintf ("%%N"),
  // ~8% of a long trace's compile time, for listings only.
  template <class Reg>
  Reg new_reg(asmjit::TypeId type) {
    Reg reg;
    cc_._newReg(&reg, type, "v");
    return reg;
  }
  x86::Gp new_gp(asmjit::TypeId type = asmjit::TypeId::kIntPtr) { return new_reg<x86::Gp>(type); }
  x86::Xmm new_xmm_sd() { return new_reg<x86::Xmm>(asmjit::TypeId::kFloat64x1); }

  const Instr& op(Ref ref) const { return trace_.ops[ref]; }
  Type type_of(Ref ref) const { return trace_.ops[ref].type; }
  // The value's register at this point of the code. A constant (CONST_*) has none of its
  // own: each use gets a fresh short-lived register loaded with the immediate here (a
  // constant held for the whole trace would take a register from the values that need
  // one, or a stack home reloaded around every call). So a register fetched once is only
  // good where the fetch dominates its uses (the op's own code, or an exit stub's).
  x86::Gp gp(Ref ref);
  x86::Xmm xmm(Ref ref);
  static bool is_constant(Op op) {
    return op == Op::CONST_OBJ || op == Op::CONST_I64 || op == Op::CONST_BOOL ||
           op == Op::CONST_F64;
  }
  void define(Ref ref);  // creates the virtual register of an op's result
  // The trace context's fields the code reads most, each kept in a stack slot filled at
  // entry and loaded where needed, rather than in registers live across every helper call
  // (asmjit 1.9 then saves and restores them around each call).
  x86::Gp load_slot(const x86::Mem& slot) {
    x86::Gp r = new_gp();
    cc_.mov(r, slot);
    return r;
  }
  // `cmp`/`mov` with a 64-bit constant: the immediate itself where it fits a sign-extended
  // imm32 (static CPython objects, versions, lengths), else through a register.
  template <class Dst>
  void with_imm(x86::Inst::Id inst, const Dst& dst, int64_t value) {
    if (asmjit::Support::isInt32(value)) {
      cc_.emit(inst, dst, asmjit::imm(value));
    } else {
      x86::Gp r = new_gp(asmjit::TypeId::kUInt64);
      cc_.mov(r, asmjit::imm(value));
      cc_.emit(inst, dst, r);
    }
  }
  template <class Dst>
  void cmp_imm(const Dst& dst, int64_t value) { with_imm(x86::Inst::kIdCmp, dst, value); }
  // A memory operand at a fixed address (a CPython global): the address itself where it
  // fits a sign-extended disp32 (the statically linked interpreter's data), else through a
  // register.
  x86::Mem absolute(const void* p, uint32_t size = 8) {
    const auto addr = reinterpret_cast<intptr_t>(p);
    if (asmjit::Support::isInt32(addr)) return x86::ptr_abs(uint64_t(addr), size);
    x86::Gp r = new_gp(asmjit::TypeId::kUInt64);
    cc_.mov(r, asmjit::imm(addr));
    return x86::ptr(r, 0, size);
  }
  x86::Gp ctx() { return load_slot(ctx_slot_); }
  x86::Gp tstate() { return load_slot(tstate_slot_); }
  asmjit::Label stub(int32_t snapshot);  // the exit stub of a snapshot (emitted at the end)
  void emit_stub(int32_t snapshot, const asmjit::Label& label);
  void lower_entry(Ref ref, const Instr& in);  // ENTRY_*: a slot of ctx->entry_values
  void lower_side_end(const Instr& in);
  void emit_link(int32_t snapshot);  // an exit stub's call of its linked side trace

  // backend_x64_ops.cpp
  void lower(Ref ref, const Instr& in);
  x86::Gp raw(Ref ref);  // the value's 64 raw bits in a general register
  void xmm_to_gp(const x86::Gp& dst, const x86::Xmm& src);
  void gp_to_xmm(const x86::Xmm& dst, const x86::Gp& src);
  void compare_f64(const x86::Gp& out, const x86::Xmm& a, const x86::Xmm& b, int cmp);

  // backend_x64_calls.cpp
  void roll(const Instr& in);  // the JANUS_JIT_FORCE_DEOPT draw before a guard's test
  // A guard that the pointer field at `offset` of operand a equals imm (after the roll).
  void guard_field_is(const Instr& in, int32_t offset);
  void set_frame_instr(const Instr& in);
  // Which frame is the thread's current frame at each op, where the trace says it
  // statically (frame_at_): the loop's frame, a frame value (a PUSH_FRAME result or a side
  // trace's ENTRY_PTR of one), or unknown (set_frame_instr then reads current_frame).
  static constexpr Ref kLoopFrame = -2;
  static constexpr Ref kUnknownFrame = -1;
  void compute_current_frames();
  void lower_call(Ref ref, const Instr& in);
  void lower_callv(Ref ref, const Instr& in);
  x86::Gp invoke_helper(const Instr& in);
  x86::Gp invoke_callv_helper(const Instr& in, const x86::Gp& list, const asmjit::Operand& a);
  void after_call(Ref ref, const Instr& in, const x86::Gp& result);
  void lower_call_c(Ref ref, const Instr& in);

  // backend_x64_inline.cpp
  void lower_guard_int64(Ref ref, const Instr& in);
  void lower_unbox_int(Ref ref, const Instr& in);
  void lower_guard_iter_not_done(const Instr& in);
  void lower_range_iter_next(Ref ref, const Instr& in);
  void lower_list_iter_next(Ref ref, const Instr& in);
  void lower_guard_len(const Instr& in);
  void lower_guard_index(const Instr& in);
  void lower_seq_item(Ref ref, const Instr& in);
  x86::Mem unicode_entry_value(const x86::Gp& keys, int32_t index);
  void lower_guard_dict_keys(const Instr& in);
  void lower_dict_entry(Ref ref, const Instr& in);
  void lower_guard_func_version(const Instr& in);
  void lower_frame_store(Ref ref, const Instr& in);
  void lower_cell_get(Ref ref, const Instr& in);
  void lower_load_field(Ref ref, const Instr& in);
  PyCodeObject* frame_code_hint(Ref frame) const;
  PyCodeObject* known_frame_code(Ref push) const;
  bool frame_code_certain(Ref frame) const;
  void lower_push_frame(Ref ref, const Instr& in);
  void lower_pop_frame(Ref ref, const Instr& in);
  bool may_hold_call_registrations(Ref pop, Ref frame) const;
  void lower_box_float(Ref ref, const Instr& in);
  bool exact_float(Ref r, Ref at) const;
  void lower_decref(Ref ref, const Instr& in);
  // Py_DECREF (maybe_null: Py_XDECREF) of `a`; an exact float goes back to the free list
  // inline, as float_dealloc puts it.
  void release(const x86::Gp& a, bool maybe_null, bool exact_float, bool held = false);
  bool held_by_trace(Ref v) const;
  // What the slots of frames this trace pushes hold, where the trace says (only its own
  // FRAME_STOREs write them): per FRAME_STORE, the value it replaces; per POP_FRAME, each
  // slot's value. kSlotNull: NULL; a ref: that value (never NULL); kSlotUnknown.
  static constexpr Ref kSlotUnknown = -1;
  static constexpr Ref kSlotNull = -3;
  static constexpr Ref kSlotInitial = -4;  // as the push left it: an argument or NULL
  void compute_frame_slots();
  Ref slot_at_push(Ref push, int32_t slot, PyCodeObject* code) const;
  void lower_box_int(Ref ref, const Instr& in);
  void lower_append(Ref ref, const Instr& in);

  // Slow paths out of line: emitted after the loop body (before the exit stubs), so the
  // fast path falls through without a jump over them. Each binds its own label and jumps
  // back; it may use the stubs but adds no cold code itself.
  struct Cold {
    Ref ref;  // the op it belongs to (listings name it)
    std::function<void()> emit;
  };
  std::vector<Cold> cold_;
  Ref lowering_ = 0;  // the op being lowered
  bool emitting_cold_ = false;
  // The frame instruction the straight-line code wrote last (set_frame_instr).
  Ref last_instr_frame_ = kUnknownFrame;
  int32_t last_instr_pc_ = -1;
  void forget_frame_instr() { last_instr_frame_ = kUnknownFrame; }
  void cold(std::function<void()> emit) { cold_.push_back({lowering_, std::move(emit)}); }

  // backend_x64_attr.cpp
  x86::Gp local_copy(Ref ref);
  void cold_helper(Ref ref, const Instr& in, const asmjit::Label& slow, const asmjit::Label& resume);
  bool never_gc(Ref v, Ref at) const;
  bool had_dict(Ref obj) const;
  void shared_keys_dict(const x86::Gp& a, const x86::Gp& dict, const x86::Gp& keys_reg,
                        PyDictKeysObject* keys, const asmjit::Label& no_dict,
                        const asmjit::Label& slow);
  void lower_guard_attr_slot(Ref ref, const Instr& in);
  void lower_attr_slot(Ref ref, const Instr& in);
  void lower_set_attr_slot(Ref ref, const Instr& in);
  void split_dict_values(const x86::Gp& a, const x86::Gp& values, PyDictKeysObject* keys,
                         const asmjit::Label& no_dict, const asmjit::Label& slow);

  const Trace& trace_;
  x86::Compiler& cc_;
  std::vector<x86::Gp> gps_;
  std::vector<x86::Xmm> xmms_;
  std::vector<asmjit::Label> stubs_;
  std::vector<bool> stub_used_;
  x86::Mem ctx_slot_, tstate_slot_, locals_slot_, stack_slot_, frame_slot_, breaker_slot_,
      interp_slot_, cframe_slot_;
  x86::Mem list_area_;  // CallV operand lists
  x86::Mem scratch_;    // 8 bytes for xmm <-> gp moves
  bool force_deopt_ = false;
  const ExitLinks* links_ = nullptr;
  asmjit::Label head_;  // op 0
  std::vector<Ref> frame_at_;  // per op: kLoopFrame, a frame value's ref, or kUnknownFrame
  std::vector<Ref> store_old_;  // per FRAME_STORE: kSlotNull, a ref, kSlotUnknown
  std::map<Ref, std::map<int32_t, Ref>> pop_slots_;  // per POP_FRAME: slots stored since the
                                                     // push (others: kSlotInitial)
};

}  // namespace janus::jit::x64
