// Trace -> x86-64 through asmjit's x86::Compiler (virtual registers; asmjit allocates them
// and spills around calls). One function per trace: `int entry(TraceContext* ctx)`.
//
// Layout of the generated function:
//   prologue   ctx's localsplus / stack_base pointers into registers
//   head:      op 0 .. op n-1 (LOOP jumps back to head)
//   stubs      one per snapshot that some op exits to: store the snapshot's values into
//              ctx->exit_values in order, set ctx->exit_id, return the snapshot index
//
// Every SSA value lives in one virtual register for the whole trace: Obj/I64/Bool in a
// 64-bit general register (Bool as 0/1), F64 in an xmm register. Values never cross
// iterations (jit/ir.h), so the back-edge carries nothing.
#include "jit/backend_x64.h"

#include <asmjit/x86.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "jit/cpython.h"
#include "jit/runtime.h"

// A new op in ir.def must be lowered here before the project builds again.
#pragma GCC diagnostic error "-Wswitch"

namespace janus::jit {

namespace {

using namespace asmjit;

// One runtime for the process, never destroyed: traces may be released during interpreter
// finalization, after static destructors would have run.
JitRuntime& runtime() {
  static JitRuntime* rt = new JitRuntime();
  return *rt;
}

// asmjit reports errors through a handler; we keep the first one and refuse the trace.
class ErrorCollector : public ErrorHandler {
 public:
  void handleError(Error err, const char* message, BaseEmitter*) override {
    if (error == kErrorOk) {
      error = err;
      this->message = message;
    }
  }
  Error error = kErrorOk;
  std::string message;
};

// The force-deopt roll as a 64-bit result (C++ bool's ABI leaves the upper bits undefined).
uint64_t force_deopt_roll_u64() { return force_deopt_roll() ? 1 : 0; }

constexpr int32_t kCtxFrame = offsetof(TraceContext, frame);
constexpr int32_t kCtxLocals = offsetof(TraceContext, localsplus);
constexpr int32_t kCtxStack = offsetof(TraceContext, stack_base);
constexpr int32_t kCtxEvalBreaker = offsetof(TraceContext, eval_breaker);
constexpr int32_t kCtxExitValues = offsetof(TraceContext, exit_values);
constexpr int32_t kCtxExitId = offsetof(TraceContext, exit_id);
constexpr int32_t kCtxIterations = offsetof(TraceContext, iterations);

class TraceLowering {
 public:
  TraceLowering(const Trace& trace, x86::Compiler& cc) : trace_(trace), cc_(cc) {}

  // Emits the whole function; false with a reason when the trace holds something this
  // backend does not lower.
  bool run(std::string* why);

 private:
  const Instr& op(Ref ref) const { return trace_.ops[ref]; }
  Type type_of(Ref ref) const { return trace_.ops[ref].type; }
  x86::Gp gp(Ref ref) const { return gps_[ref]; }
  x86::Xmm xmm(Ref ref) const { return xmms_[ref]; }
  x86::Gp raw(Ref ref);  // the value's 64 raw bits in a general register
  void xmm_to_gp(const x86::Gp& dst, const x86::Xmm& src);
  void gp_to_xmm(const x86::Xmm& dst, const x86::Gp& src);
  void define(Ref ref);  // creates the virtual register of an op's result
  Label stub(int32_t snapshot);
  void roll(const Instr& in);  // the JANUS_JIT_FORCE_DEOPT draw before a guard's test
  void set_frame_instr(const Instr& in);
  void lower(Ref ref, const Instr& in);
  void lower_call(Ref ref, const Instr& in);
  void lower_guard_int64(Ref ref, const Instr& in);
  void lower_unbox_int(Ref ref, const Instr& in);
  x86::Gp invoke_helper(const Instr& in);
  void lower_callv(Ref ref, const Instr& in);
  void after_call(Ref ref, const Instr& in, const x86::Gp& result);
  void compare_f64(const x86::Gp& out, const x86::Xmm& a, const x86::Xmm& b, int cmp);
  void emit_stub(int32_t snapshot, const Label& label);

  const Trace& trace_;
  x86::Compiler& cc_;
  std::vector<x86::Gp> gps_;
  std::vector<x86::Xmm> xmms_;
  std::vector<Label> stubs_;
  std::vector<bool> stub_used_;
  x86::Gp ctx_, locals_, stack_;
  x86::Mem list_area_;  // CallV operand lists
  x86::Mem scratch_;    // 8 bytes for xmm <-> gp moves
  bool force_deopt_ = false;
};

// Moves between xmm and general registers go through a stack slot: asmjit 1.9's register
// allocator rewrites a spilled source of `movq gp, xmm` into `movq gp, [mem]`, which it
// then encodes as a load into an xmm register (the gp keeps garbage).
void TraceLowering::xmm_to_gp(const x86::Gp& dst, const x86::Xmm& src) {
  cc_.movsd(scratch_, src);
  cc_.mov(dst, scratch_);
}

void TraceLowering::gp_to_xmm(const x86::Xmm& dst, const x86::Gp& src) {
  cc_.mov(scratch_, src);
  cc_.movsd(dst, scratch_);
}

x86::Gp TraceLowering::raw(Ref ref) {
  if (type_of(ref) != Type::F64) return gp(ref);
  x86::Gp bits = cc_.newUInt64();
  xmm_to_gp(bits, xmm(ref));
  return bits;
}

void TraceLowering::define(Ref ref) {
  switch (type_of(ref)) {
    case Type::Void: break;
    case Type::F64: xmms_[ref] = cc_.newXmmSd(); break;
    case Type::Obj:
    case Type::I64:
    case Type::Bool: gps_[ref] = cc_.newUInt64(); break;
  }
}

Label TraceLowering::stub(int32_t snapshot) {
  stub_used_[snapshot] = true;
  return stubs_[snapshot];
}

void TraceLowering::roll(const Instr& in) {
  if (!force_deopt_ || !trace_.snapshots[in.exit].forceable) return;
  x86::Gp result = cc_.newUInt64();
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(&force_deopt_roll_u64)),
             FuncSignatureT<uint64_t>(CallConvId::kHost));
  call->setRet(0, result);
  cc_.test(result, result);
  cc_.jnz(stub(in.exit));
}

// Python's rich comparison codes (Py_LT .. Py_GE) as x86 conditions on `cmp a, b`.
x86::CondCode signed_condition(int cmp) {
  switch (cmp) {
    case Py_LT: return x86::CondCode::kL;
    case Py_LE: return x86::CondCode::kLE;
    case Py_EQ: return x86::CondCode::kE;
    case Py_NE: return x86::CondCode::kNE;
    case Py_GT: return x86::CondCode::kG;
    default: return x86::CondCode::kGE;
  }
}

// IEEE comparisons: every ordered test uses ucomisd so that an unordered result (NaN)
// reads false: a < b is `ucomisd b, a; seta`, and only != is true for NaN.
void TraceLowering::compare_f64(const x86::Gp& out, const x86::Xmm& a, const x86::Xmm& b,
                                int cmp) {
  cc_.xor_(out, out);
  switch (cmp) {
    case Py_LT: cc_.ucomisd(b, a); cc_.seta(out.r8()); break;
    case Py_LE: cc_.ucomisd(b, a); cc_.setae(out.r8()); break;
    case Py_GT: cc_.ucomisd(a, b); cc_.seta(out.r8()); break;
    case Py_GE: cc_.ucomisd(a, b); cc_.setae(out.r8()); break;
    case Py_EQ: {
      x86::Gp ordered = cc_.newUInt64();
      cc_.xor_(ordered, ordered);
      cc_.ucomisd(a, b);
      cc_.sete(out.r8());
      cc_.setnp(ordered.r8());
      cc_.and_(out, ordered);
      break;
    }
    default: {  // Py_NE
      x86::Gp unordered = cc_.newUInt64();
      cc_.xor_(unordered, unordered);
      cc_.ucomisd(a, b);
      cc_.setne(out.r8());
      cc_.setp(unordered.r8());
      cc_.or_(out, unordered);
      break;
    }
  }
}

// Before a helper that may run arbitrary code, the frame's current instruction becomes the
// op's (code the helper runs may look at this frame: tracebacks, warnings,
// sys._getframe), as interpret() does:
//   frame->prev_instr = _PyCode_CODE(frame->f_code) + pc
void TraceLowering::set_frame_instr(const Instr& in) {
  if (!(op_info(in.op).flags & kEffect)) return;
  x86::Gp frame = cc_.newIntPtr();
  x86::Gp instr = cc_.newIntPtr();
  cc_.mov(frame, x86::qword_ptr(ctx_, kCtxFrame));
  cc_.mov(instr, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)));
  cc_.add(instr, int32_t(offsetof(PyCodeObject, co_code_adaptive) +
                         int64_t{in.pc} * int64_t{sizeof(_Py_CODEUNIT)}));
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, prev_instr)), instr);
}

// A Call op: the helper from jit/runtime.h with the uniform raw-64-bit signature.
void TraceLowering::lower_call(Ref ref, const Instr& in) {
  if (op_info(in.op).flags & kGuard) roll(in);
  after_call(ref, in, invoke_helper(in));
}

// The helper's call alone; its raw result in a new register.
x86::Gp TraceLowering::invoke_helper(const Instr& in) {
  const OpInfo& info = op_info(in.op);
  // Operands first: raw() may emit a move, which must precede the call node.
  const Ref refs[3] = {in.a, in.b, in.c};
  x86::Gp args[3];
  for (int i = 0; i < info.operands; i++) args[i] = raw(refs[i]);
  set_frame_instr(in);
  x86::Gp result = cc_.newUInt64();
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(rt::call_helper(static_cast<int>(in.op)))),
             FuncSignatureT<uint64_t, uint64_t, uint64_t, uint64_t, int64_t, int64_t>(
                 CallConvId::kHost));
  for (int i = 0; i < 3; i++) {
    if (i < info.operands) {
      call->setArg(i, args[i]);
    } else {
      call->setArg(i, imm(0));
    }
  }
  call->setArg(3, imm(in.imm));
  call->setArg(4, imm(static_cast<int64_t>(in.aux)));
  call->setRet(0, result);
  return result;
}

// Ints of one 30-bit digit (|value| < 2**30: loop counters, indices) are read inline; any
// other int goes through the helper, so the result is always the helper's.
constexpr int32_t kLongSize = offsetof(PyVarObject, ob_size);
constexpr int32_t kLongDigit0 = offsetof(PyLongObject, ob_digit);
static_assert(sizeof(digit) == 4, "CPython 3.11 ints use 30-bit digits in uint32");

// GUARD_INT64: an exact int (type check inline) whose size is -1, 0 or 1 passes at once.
void TraceLowering::lower_guard_int64(Ref ref, const Instr& in) {
  roll(in);
  x86::Gp a = gp(in.a);
  x86::Gp type = cc_.newUInt64();
  x86::Gp size = cc_.newInt64();
  Label pass = cc_.newLabel();
  Label slow = cc_.newLabel();
  cc_.mov(type, imm(reinterpret_cast<intptr_t>(&PyLong_Type)));
  cc_.cmp(x86::qword_ptr(a, offsetof(PyObject, ob_type)), type);
  cc_.jne(stub(in.exit));
  cc_.mov(size, x86::qword_ptr(a, kLongSize));
  cc_.add(size, 1);
  cc_.cmp(size, 2);
  cc_.ja(slow);  // unsigned: size + 1 outside [0, 2]
  cc_.jmp(pass);
  cc_.bind(slow);
  x86::Gp verdict = invoke_helper(in);
  cc_.test(verdict, verdict);
  cc_.jz(stub(in.exit));
  cc_.bind(pass);
}

// UNBOX_INT (after GUARD_INT64): size * digit[0] for sizes -1, 0, 1 (digit[0] is
// unspecified for 0, and multiplied by 0), else the helper.
void TraceLowering::lower_unbox_int(Ref ref, const Instr& in) {
  x86::Gp a = gp(in.a);
  x86::Gp out = gp(ref);
  x86::Gp size = cc_.newInt64();
  x86::Gp biased = cc_.newInt64();
  Label slow = cc_.newLabel();
  Label done = cc_.newLabel();
  cc_.mov(size, x86::qword_ptr(a, kLongSize));
  cc_.mov(biased, size);
  cc_.add(biased, 1);
  cc_.cmp(biased, 2);
  cc_.ja(slow);
  cc_.mov(out.r32(), x86::dword_ptr(a, kLongDigit0));  // zero-extends
  cc_.imul(out, size);
  cc_.jmp(done);
  cc_.bind(slow);
  x86::Gp value = invoke_helper(in);
  cc_.mov(out, value);
  cc_.bind(done);
}

// A CallV op: the operand list is written to a stack area whose address is the first
// argument.
void TraceLowering::lower_callv(Ref ref, const Instr& in) {
  const OpInfo& info = op_info(in.op);
  for (int i = 0; i < in.list_count; i++) {
    Ref item = trace_.lists[in.list_start + i];
    x86::Mem slot = list_area_.cloneAdjusted(int64_t{8} * i);
    if (type_of(item) == Type::F64) {
      cc_.movsd(slot, xmm(item));
    } else {
      cc_.mov(slot, gp(item));
    }
  }
  x86::Gp list = cc_.newIntPtr();
  cc_.lea(list, list_area_);
  x86::Gp callee;
  if (info.operands >= 1) callee = raw(in.a);  // before the call node, as in lower_call
  set_frame_instr(in);
  x86::Gp result = cc_.newUInt64();
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(rt::callv_helper(static_cast<int>(in.op)))),
             FuncSignatureT<uint64_t, const uint64_t*, int64_t, uint64_t, int64_t, int64_t>(
                 CallConvId::kHost));
  call->setArg(0, list);
  call->setArg(1, imm(static_cast<int64_t>(in.list_count)));
  if (info.operands >= 1) {
    call->setArg(2, callee);
  } else {
    call->setArg(2, imm(0));
  }
  call->setArg(3, imm(in.imm));
  call->setArg(4, imm(static_cast<int64_t>(in.aux)));
  call->setRet(0, result);
  after_call(ref, in, result);
}

// What a helper's raw result means: a guard's verdict (1 = pass), an error (kMayRaise),
// or the op's value.
void TraceLowering::after_call(Ref ref, const Instr& in, const x86::Gp& result) {
  const OpInfo& info = op_info(in.op);
  if (info.flags & kGuard) {
    cc_.test(result, result);
    cc_.jz(stub(in.exit));
    return;
  }
  if (info.flags & kMayRaise) {
    if (in.type == Type::Obj) {
      cc_.test(result, result);
      cc_.jz(stub(in.exit));
    } else {  // Bool / Void: -1 is the error
      cc_.cmp(result, -1);
      cc_.je(stub(in.exit));
    }
  }
  switch (in.type) {
    case Type::Void: break;
    case Type::F64: gp_to_xmm(xmm(ref), result); break;
    case Type::Obj:
    case Type::I64:
    case Type::Bool: cc_.mov(gp(ref), result); break;
  }
}

void TraceLowering::lower(Ref ref, const Instr& in) {
  switch (in.op) {
    // ---- constants and the frame ----------------------------------------------------
    case Op::CONST_OBJ:
    case Op::CONST_I64:
      cc_.mov(gp(ref), imm(in.imm));
      break;
    case Op::CONST_BOOL:
      cc_.mov(gp(ref), imm(in.imm != 0 ? 1 : 0));
      break;
    case Op::CONST_F64:
      if (in.imm == 0) {
        cc_.xorpd(xmm(ref), xmm(ref));
      } else {
        cc_.movsd(xmm(ref), cc_.newQWordConst(ConstPoolScope::kLocal, uint64_t(in.imm)));
      }
      break;
    case Op::LOAD_LOCAL:
      cc_.mov(gp(ref), x86::qword_ptr(locals_, int32_t(in.aux) * 8));
      break;
    case Op::LOAD_STACK:
      cc_.mov(gp(ref), x86::qword_ptr(stack_, int32_t(in.aux) * 8));
      break;
    case Op::STORE_LOCAL: {
      x86::Gp a = gp(in.a);
      cc_.add(x86::qword_ptr(a, offsetof(PyObject, ob_refcnt)), 1);
      cc_.mov(gp(ref), x86::qword_ptr(locals_, int32_t(in.aux) * 8));
      cc_.mov(x86::qword_ptr(locals_, int32_t(in.aux) * 8), a);
      break;
    }
    case Op::LOOP: {
      x86::Gp breaker = cc_.newIntPtr();
      cc_.mov(breaker, x86::qword_ptr(ctx_, kCtxEvalBreaker));
      cc_.cmp(x86::dword_ptr(breaker), 0);
      cc_.jne(stub(in.exit));
      cc_.add(x86::qword_ptr(ctx_, kCtxIterations), 1);
      break;  // the jump back to the head follows the last op
    }

    // ---- reference counts -----------------------------------------------------------
    case Op::INCREF:
      cc_.add(x86::qword_ptr(gp(in.a), offsetof(PyObject, ob_refcnt)), 1);
      break;
    case Op::NEWREF:
      cc_.add(x86::qword_ptr(gp(in.a), offsetof(PyObject, ob_refcnt)), 1);
      cc_.mov(gp(ref), gp(in.a));
      break;
    case Op::DECREF:
    case Op::XDECREF: {
      // Py_DECREF of 3.11: decrement, _Py_Dealloc at zero (no immortal objects).
      x86::Gp a = gp(in.a);
      Label done = cc_.newLabel();
      if (in.op == Op::XDECREF) {
        cc_.test(a, a);
        cc_.jz(done);
      }
      cc_.sub(x86::qword_ptr(a, offsetof(PyObject, ob_refcnt)), 1);
      cc_.jnz(done);
      InvokeNode* call;
      cc_.invoke(&call, imm(reinterpret_cast<void*>(&_Py_Dealloc)),
                 FuncSignatureT<void, void*>(CallConvId::kHost));
      call->setArg(0, a);
      cc_.bind(done);
      break;
    }

    // ---- inline guards: the force-deopt draw, then the test -------------------------
    case Op::GUARD_TYPE: {
      roll(in);
      x86::Gp expected = cc_.newUInt64();
      cc_.mov(expected, imm(in.imm));
      cc_.cmp(x86::qword_ptr(gp(in.a), offsetof(PyObject, ob_type)), expected);
      cc_.jne(stub(in.exit));
      break;
    }
    case Op::GUARD_IS:
    case Op::GUARD_IS_NOT: {
      roll(in);
      x86::Gp expected = cc_.newUInt64();
      cc_.mov(expected, imm(in.imm));
      cc_.cmp(gp(in.a), expected);
      if (in.op == Op::GUARD_IS) {
        cc_.jne(stub(in.exit));
      } else {
        cc_.je(stub(in.exit));
      }
      break;
    }
    case Op::GUARD_NOT_NULL:
    case Op::GUARD_TRUE:
    case Op::GUARD_NONZERO_I64:
      roll(in);
      cc_.test(gp(in.a), gp(in.a));
      cc_.jz(stub(in.exit));
      break;
    case Op::GUARD_FALSE:
      roll(in);
      cc_.test(gp(in.a), gp(in.a));
      cc_.jnz(stub(in.exit));
      break;
    case Op::GUARD_DICT_VERSION: {
      roll(in);
      x86::Gp expected = cc_.newUInt64();
      cc_.mov(expected, imm(in.imm));
      cc_.cmp(x86::qword_ptr(gp(in.a), offsetof(PyDictObject, ma_version_tag)), expected);
      cc_.jne(stub(in.exit));
      break;
    }
    case Op::GUARD_TYPE_VERSION:
      // tp_version_tag is an unsigned int: compared with the low 32 bits of imm.
      roll(in);
      cc_.cmp(x86::dword_ptr(gp(in.a), offsetof(PyTypeObject, tp_version_tag)),
              imm(static_cast<uint32_t>(in.imm)));
      cc_.jne(stub(in.exit));
      break;
    case Op::GUARD_NONZERO_F64: {
      // Fails only on +-0.0; NaN != 0.0 passes.
      roll(in);
      x86::Xmm zero = cc_.newXmmSd();
      Label pass = cc_.newLabel();
      cc_.xorpd(zero, zero);
      cc_.ucomisd(xmm(in.a), zero);
      cc_.jp(pass);
      cc_.je(stub(in.exit));
      cc_.bind(pass);
      break;
    }

    // ---- unboxed arithmetic ---------------------------------------------------------
    case Op::UNBOX_FLOAT:
      cc_.movsd(xmm(ref), x86::qword_ptr(gp(in.a), offsetof(PyFloatObject, ob_fval)));
      break;
    case Op::BOX_BOOL: {
      x86::Gp true_obj = cc_.newUInt64();
      cc_.mov(gp(ref), imm(reinterpret_cast<intptr_t>(Py_False)));
      cc_.mov(true_obj, imm(reinterpret_cast<intptr_t>(Py_True)));
      cc_.test(gp(in.a), gp(in.a));
      cc_.cmovnz(gp(ref), true_obj);
      break;
    }
    case Op::ADD_I64_OVF:
    case Op::SUB_I64_OVF:
    case Op::MUL_I64_OVF: {
      roll(in);
      x86::Gp out = gp(ref);
      cc_.mov(out, gp(in.a));
      if (in.op == Op::ADD_I64_OVF) {
        cc_.add(out, gp(in.b));
      } else if (in.op == Op::SUB_I64_OVF) {
        cc_.sub(out, gp(in.b));
      } else {
        cc_.imul(out, gp(in.b));
      }
      cc_.jo(stub(in.exit));
      break;
    }
    case Op::NEG_I64_OVF:
      roll(in);
      cc_.mov(gp(ref), gp(in.a));
      cc_.neg(gp(ref));
      cc_.jo(stub(in.exit));  // only INT64_MIN overflows
      break;
    case Op::AND_I64:
    case Op::OR_I64:
    case Op::XOR_I64: {
      x86::Gp out = gp(ref);
      cc_.mov(out, gp(in.a));
      if (in.op == Op::AND_I64) {
        cc_.and_(out, gp(in.b));
      } else if (in.op == Op::OR_I64) {
        cc_.or_(out, gp(in.b));
      } else {
        cc_.xor_(out, gp(in.b));
      }
      break;
    }
    case Op::CMP_I64:
      cc_.xor_(gp(ref), gp(ref));
      cc_.cmp(gp(in.a), gp(in.b));
      cc_.emit(x86::Inst::setccFromCond(signed_condition(in.aux)), gp(ref).r8());
      break;
    case Op::I64_TO_F64:
      // cvtsi2sd rounds to nearest-even under the default MXCSR, as Python's int -> float.
      cc_.xorpd(xmm(ref), xmm(ref));
      cc_.cvtsi2sd(xmm(ref), gp(in.a));
      break;
    case Op::ADD_F64:
    case Op::SUB_F64:
    case Op::MUL_F64:
    case Op::DIV_F64: {
      x86::Xmm out = xmm(ref);
      cc_.movapd(out, xmm(in.a));
      if (in.op == Op::ADD_F64) {
        cc_.addsd(out, xmm(in.b));
      } else if (in.op == Op::SUB_F64) {
        cc_.subsd(out, xmm(in.b));
      } else if (in.op == Op::MUL_F64) {
        cc_.mulsd(out, xmm(in.b));
      } else {
        cc_.divsd(out, xmm(in.b));
      }
      break;
    }
    case Op::NEG_F64: {
      // Flip the sign bit (-0.0 and NaN included), as C's unary minus does.
      x86::Xmm mask = cc_.newXmmSd();
      cc_.movsd(mask, cc_.newQWordConst(ConstPoolScope::kLocal, uint64_t{1} << 63));
      cc_.movapd(xmm(ref), xmm(in.a));
      cc_.xorpd(xmm(ref), mask);
      break;
    }
    case Op::CMP_F64:
      compare_f64(gp(ref), xmm(in.a), xmm(in.b), in.aux);
      break;
    case Op::NOT_BOOL:
      cc_.xor_(gp(ref), gp(ref));
      cc_.test(gp(in.a), gp(in.a));
      cc_.sete(gp(ref).r8());
      break;
    case Op::IS:
      cc_.xor_(gp(ref), gp(ref));
      cc_.cmp(gp(in.a), gp(in.b));
      cc_.sete(gp(ref).r8());
      break;

    // ---- helpers (jit/runtime.h) ----------------------------------------------------
    case Op::GUARD_INT64:
      lower_guard_int64(ref, in);
      break;
    case Op::UNBOX_INT:
      lower_unbox_int(ref, in);
      break;
    case Op::GUARD_INDEX:
    case Op::GUARD_ITER_NOT_DONE:
    case Op::GUARD_LEN:
    case Op::BOX_INT:
    case Op::BOX_FLOAT:
    case Op::FLOORDIV_I64:
    case Op::MOD_I64:
    case Op::OBJ_BINARY:
    case Op::COMPARE:
    case Op::TRUTH:
    case Op::UNARY:
    case Op::CONTAINS:
    case Op::GETITEM:
    case Op::SETITEM:
    case Op::GETATTR:
    case Op::SETATTR:
    case Op::ITER_NEXT:
    case Op::LIST_ITER_NEXT:
    case Op::RANGE_ITER_NEXT:
    case Op::SEQ_ITEM:
    case Op::LIST_STORE:
    case Op::APPEND:
    case Op::CHECK_BREAKER:  // the helper reads the interpreter's breaker: kept exact
      lower_call(ref, in);
      break;
    case Op::OBJ_CALL:
    case Op::NEW_LIST:
    case Op::NEW_TUPLE:
      lower_callv(ref, in);
      break;
  }
}

// An exit: the snapshot's values, raw, into ctx->exit_values in order; then its index.
void TraceLowering::emit_stub(int32_t snapshot, const Label& label) {
  cc_.bind(label);
  const Snapshot& snap = trace_.snapshots[snapshot];
  if (!snap.entries.empty()) {
    x86::Gp out = cc_.newIntPtr();
    cc_.mov(out, x86::qword_ptr(ctx_, kCtxExitValues));
    for (size_t i = 0; i < snap.entries.size(); i++) {
      Ref ref = snap.entries[i].ref;
      x86::Mem slot = x86::qword_ptr(out, int32_t(i * 8));
      if (type_of(ref) == Type::F64) {
        cc_.movsd(slot, xmm(ref));
      } else {
        cc_.mov(slot, gp(ref));
      }
    }
  }
  cc_.mov(x86::dword_ptr(ctx_, kCtxExitId), snapshot);
  x86::Gp result = cc_.newInt32();
  cc_.mov(result, snapshot);
  cc_.ret(result);
}

bool TraceLowering::run(std::string* why) {
  const Ref n = static_cast<Ref>(trace_.ops.size());
  std::string problem = verify(trace_);
  if (!problem.empty()) {
    *why = "malformed trace: " + problem;
    return false;
  }
  int max_list = 1;
  for (Ref r = 0; r < n; r++) {
    const Instr& in = op(r);
    if (in.dead) continue;
    if (op_info(in.op).flags & kInterpOnly) {
      *why = std::string("op ") + op_info(in.op).name + " is interpreter-only";
      return false;
    }
    // The error convention covers Obj, Bool and Void results only.
    if ((op_info(in.op).flags & kMayRaise) &&
        (in.type == Type::I64 || in.type == Type::F64)) {
      *why = std::string("op ") + op_info(in.op).name + " may raise with a numeric result";
      return false;
    }
    if (in.list_count > max_list) max_list = in.list_count;
  }
  force_deopt_ = force_deopt_period() > 0;

  FuncNode* func = cc_.addFunc(FuncSignatureT<int, TraceContext*>(CallConvId::kHost));
  ctx_ = cc_.newIntPtr("ctx");
  locals_ = cc_.newIntPtr("localsplus");
  stack_ = cc_.newIntPtr("stack_base");
  func->setArg(0, ctx_);
  cc_.mov(locals_, x86::qword_ptr(ctx_, kCtxLocals));
  cc_.mov(stack_, x86::qword_ptr(ctx_, kCtxStack));
  list_area_ = cc_.newStack(uint32_t(max_list) * 8, 16, "callv_list");
  scratch_ = cc_.newStack(8, 8, "scratch");

  gps_.resize(n);
  xmms_.resize(n);
  stubs_.resize(trace_.snapshots.size());
  stub_used_.assign(trace_.snapshots.size(), false);
  for (Label& label : stubs_) label = cc_.newLabel();
  for (Ref r = 0; r < n; r++) {
    if (!op(r).dead) define(r);
  }

  Label head = cc_.newLabel();
  cc_.bind(head);
  for (Ref r = 0; r < n; r++) {
    if (!op(r).dead) lower(r, op(r));
  }
  cc_.jmp(head);
  for (size_t s = 0; s < stubs_.size(); s++) {
    if (stub_used_[s]) emit_stub(static_cast<int32_t>(s), stubs_[s]);
  }
  cc_.endFunc();
  return true;
}

}  // namespace

MachineCode::~MachineCode() {
  if (entry_ != nullptr) runtime().release(entry_);
}

std::unique_ptr<MachineCode> compile(const Trace& trace, std::string* why,
                                     std::string* listing) {
  std::string ignored;
  if (why == nullptr) why = &ignored;
  CodeHolder code;
  ErrorCollector errors;
  StringLogger logger;
  code.init(runtime().environment());
  code.setErrorHandler(&errors);
  if (listing != nullptr) code.setLogger(&logger);
  x86::Compiler cc(&code);
  TraceLowering lowering(trace, cc);
  if (!lowering.run(why)) return nullptr;
  if (errors.error == kErrorOk) cc.finalize();
  if (listing != nullptr) *listing = logger.data();
  TraceEntry entry = nullptr;
  if (errors.error == kErrorOk) runtime().add(&entry, &code);
  if (errors.error != kErrorOk || entry == nullptr) {
    *why = "asmjit: " + (errors.message.empty() ? std::string("code could not be added")
                                                : errors.message);
    return nullptr;
  }
  return std::make_unique<MachineCode>(entry, code.codeSize());
}

}  // namespace janus::jit
