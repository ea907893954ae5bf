// Lowering of each IR op (jit/ir.def): one switch with no default, so that a new op is a
// compile error here until it is lowered. Inline ops are emitted directly; Call / CallV ops
// go to backend_x64_calls.cpp, some through inline fast paths (backend_x64_inline.cpp).
#include "jit/backend_x64_lowering.h"
#include "jit/math_call.h"

// A new op in ir.def must be lowered here before the project builds again.
#pragma GCC diagnostic error "-Wswitch"

namespace janus::jit::x64 {

using namespace asmjit;

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
  x86::Gp bits = new_gp(TypeId::kUInt64);
  xmm_to_gp(bits, xmm(ref));
  return bits;
}

// Python's rich comparison codes (Py_LT .. Py_GE) as x86 conditions on `cmp a, b`.
namespace {

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

}  // namespace

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
      x86::Gp ordered = new_gp(TypeId::kUInt64);
      cc_.xor_(ordered, ordered);
      cc_.ucomisd(a, b);
      cc_.sete(out.r8());
      cc_.setnp(ordered.r8());
      cc_.and_(out, ordered);
      break;
    }
    default: {  // Py_NE
      x86::Gp unordered = new_gp(TypeId::kUInt64);
      cc_.xor_(unordered, unordered);
      cc_.ucomisd(a, b);
      cc_.setne(out.r8());
      cc_.setp(unordered.r8());
      cc_.or_(out, unordered);
      break;
    }
  }
}

void TraceLowering::guard_field_is(const Instr& in, int32_t offset) {
  roll(in);
  cmp_imm(x86::qword_ptr(gp(in.a), offset), in.imm);
  cc_.jne(stub(in.exit));
}

void TraceLowering::lower(Ref ref, const Instr& in) {
  switch (in.op) {
    // ---- constants and the frame ----------------------------------------------------
    case Op::CONST_OBJ:
    case Op::CONST_I64:
    case Op::CONST_BOOL:
    case Op::CONST_F64:
      break;  // no code here: each use materializes the constant (gp, xmm)
    case Op::LOAD_LOCAL:
      cc_.mov(gp(ref), x86::qword_ptr(load_slot(locals_slot_), int32_t(in.aux) * 8));
      break;
    case Op::LOAD_STACK:
      cc_.mov(gp(ref), x86::qword_ptr(load_slot(stack_slot_), int32_t(in.aux) * 8));
      break;
    case Op::STORE_LOCAL: {
      x86::Gp locals = load_slot(locals_slot_);
      x86::Gp a = gp(in.a);
      cc_.add(x86::qword_ptr(a, offsetof(PyObject, ob_refcnt)), 1);
      cc_.mov(gp(ref), x86::qword_ptr(locals, int32_t(in.aux) * 8));
      cc_.mov(x86::qword_ptr(locals, int32_t(in.aux) * 8), a);
      break;
    }
    case Op::LOOP: {
      x86::Gp breaker = new_gp();
      cc_.mov(breaker, breaker_slot_);
      cc_.cmp(x86::dword_ptr(breaker), 0);
      cc_.jne(stub(in.exit));
      cc_.add(x86::qword_ptr(ctx(), kCtxIterations), 1);
      break;  // the jump back to the head follows the last op
    }
    case Op::SIDE_END:
      lower_side_end(in);
      break;
    case Op::CHECK_BREAKER: {
      // The helper's first test inline (the interpreter's eval breaker, as LOOP reads
      // it); only a set breaker calls it (signal handlers, a pending exception). The
      // frame's instruction is set either way, as interpret() sets it before any effect.
      set_frame_instr(in);
      asmjit::Label clear = cc_.newLabel();
      x86::Gp breaker = new_gp();
      cc_.mov(breaker, breaker_slot_);
      cc_.cmp(x86::dword_ptr(breaker), 0);
      cc_.je(clear);
      lower_call(ref, in);
      cc_.bind(clear);
      break;
    }
    case Op::GUARD_NOT_TRACING: {
      // The helper inline: tstate->cframe->use_tracing == 0.
      roll(in);
      x86::Gp cframe = load_slot(cframe_slot_);
      cc_.cmp(x86::byte_ptr(cframe, offsetof(_PyCFrame, use_tracing)), 0);
      cc_.jne(stub(in.exit));
      break;
    }
    case Op::ENTRY_OBJ:
    case Op::ENTRY_PTR:
    case Op::ENTRY_I64:
    case Op::ENTRY_F64:
    case Op::ENTRY_BOOL:
      lower_entry(ref, in);
      break;

    // ---- reference counts -----------------------------------------------------------
    case Op::INCREF:
      cc_.add(x86::qword_ptr(gp(in.a), offsetof(PyObject, ob_refcnt)), 1);
      break;
    case Op::KEEP_ALIVE:  // only a use, for the refcount pass
      break;
    case Op::NEWREF:
      if (is_constant(op(in.a).op)) {  // the immediate straight into the result
        cc_.mov(gp(ref), imm(op(in.a).imm));
        cc_.add(x86::qword_ptr(gp(ref), offsetof(PyObject, ob_refcnt)), 1);
      } else {
        cc_.add(x86::qword_ptr(gp(in.a), offsetof(PyObject, ob_refcnt)), 1);
        cc_.mov(gp(ref), gp(in.a));
      }
      break;
    case Op::DECREF:
    case Op::XDECREF:
      lower_decref(ref, in);
      break;

    // ---- inline guards: the force-deopt draw, then the test -------------------------
    case Op::GUARD_TYPE:
      guard_field_is(in, offsetof(PyObject, ob_type));
      break;
    case Op::GUARD_IS:
    case Op::GUARD_IS_NOT: {
      roll(in);
      cmp_imm(gp(in.a), in.imm);
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
      cmp_imm(x86::qword_ptr(gp(in.a), offsetof(PyDictObject, ma_version_tag)), in.imm);
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
      x86::Xmm zero = new_xmm_sd();
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
      x86::Gp true_obj = new_gp(TypeId::kUInt64);
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
      x86::Xmm mask = new_xmm_sd();
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
    case Op::BOX_FLOAT:
      lower_box_float(ref, in);
      break;
    case Op::BOX_INT:
      lower_box_int(ref, in);
      break;
    case Op::APPEND:
      lower_append(ref, in);
      break;
    case Op::GUARD_INDEX:
      lower_guard_index(in);
      break;
    case Op::GUARD_ITER_NOT_DONE:
      lower_guard_iter_not_done(in);
      break;
    case Op::GUARD_LEN:
      lower_guard_len(in);
      break;
    case Op::LIST_ITER_NEXT:
      lower_list_iter_next(ref, in);
      break;
    case Op::RANGE_ITER_NEXT:
      lower_range_iter_next(ref, in);
      break;
    case Op::SEQ_ITEM:
      lower_seq_item(ref, in);
      break;
    case Op::GUARD_FUNC_VERSION:
      lower_guard_func_version(in);
      break;
    case Op::FRAME_STORE:
      lower_frame_store(ref, in);
      break;
    case Op::CELL_GET:
      lower_cell_get(ref, in);
      break;
    case Op::LOAD_FIELD:
      lower_load_field(ref, in);
      break;
    case Op::PUSH_FRAME:
      lower_push_frame(ref, in);
      break;
    case Op::POP_FRAME:
      lower_pop_frame(ref, in);
      break;
    case Op::GUARD_ATTR_SLOT:
      lower_guard_attr_slot(ref, in);
      break;
    case Op::ATTR_SLOT:
      lower_attr_slot(ref, in);
      break;
    case Op::SET_ATTR_SLOT:
      lower_set_attr_slot(ref, in);
      break;
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
    case Op::LIST_STORE:
    case Op::NAME_LOAD:
    case Op::NAME_STORE:
    case Op::CELL_SET:
    case Op::FORMAT:
    case Op::SLICE:
    case Op::DELITEM:
    case Op::OBJ_ITER:
    case Op::GUARD_DICT_EMPTY:
    case Op::CALL_EX:
    case Op::EXTEND_LIST:
    case Op::LIST_AS_TUPLE:
    case Op::WITH_ENTER:
    case Op::WITH_EXIT:
    case Op::DICT_STORE_ENTRY:
    case Op::DESCR_GET:
    case Op::GUARD_FUNC_CODE:
    case Op::HOLD_GETATTR_FRAME:
    case Op::MERGE_KWARGS:
    case Op::SET_INSERT:
    case Op::DEL_ATTR:
    case Op::IMPORT_MODULE:
    case Op::FROM_IMPORT:
    case Op::CODE_WARMUP:
      lower_call(ref, in);
      break;
    case Op::GUARD_DICT_KEYS:
      lower_guard_dict_keys(in);
      break;
    case Op::DICT_ENTRY:
      lower_dict_entry(ref, in);
      break;
    case Op::FRAME_LOAD:  // the helper's one load, inline
      cc_.mov(gp(ref), x86::qword_ptr(gp(in.a), int32_t(offsetof(_PyInterpreterFrame, localsplus) +
                                                        int64_t{in.aux} * 8)));
      break;
    // ---- direct C calls and libm ------------------------------------------------------
    case Op::GUARD_CFUNC_DEF:
      guard_field_is(in, offsetof(PyCFunctionObject, m_ml));
      break;
    case Op::GUARD_FINITE_F64: {
      // a - a is 0 for a finite a and NaN for an infinity or a NaN: unordered with itself
      // (PF set) exactly then.
      roll(in);
      x86::Xmm diff = new_xmm_sd();
      cc_.movapd(diff, xmm(in.a));
      cc_.subsd(diff, xmm(in.a));
      cc_.ucomisd(diff, diff);
      cc_.jp(stub(in.exit));
      break;
    }
    case Op::MATH_F64:
      if (in.aux == static_cast<int>(MathFn::sqrt)) {
        // IEEE square root, correctly rounded: the same bits as libm's sqrt.
        cc_.sqrtsd(xmm(ref), xmm(in.a));
      } else if (in.aux == static_cast<int>(MathFn::fabs)) {
        x86::Xmm mask = new_xmm_sd();
        cc_.movsd(mask, cc_.newQWordConst(ConstPoolScope::kLocal, ~(uint64_t{1} << 63)));
        cc_.movapd(xmm(ref), xmm(in.a));
        cc_.andpd(xmm(ref), mask);
      } else {
        x86::Xmm arg = xmm(in.a);  // (a constant's load must precede the call node)
        InvokeNode* call;
        cc_.invoke(&call, imm(reinterpret_cast<void*>(math_function(in.aux))),
                   FuncSignatureT<double, double>(CallConvId::kHost));
        call->setArg(0, arg);
        call->setRet(0, xmm(ref));
      }
      break;
    case Op::CALL_C:
      lower_call_c(ref, in);
      break;
    case Op::MAKE_FUNC:
    case Op::OBJ_CALL:
    case Op::NEW_LIST:
    case Op::NEW_TUPLE:
    case Op::CONCAT:
    case Op::NEW_DICT:
    case Op::NEW_SET:
      lower_callv(ref, in);
      break;
  }
}

}  // namespace janus::jit::x64
