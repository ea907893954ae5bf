// Calls into the runtime helpers of jit/runtime.h with their uniform raw-64-bit
// signatures, and what every helper call shares with interpret(): the force-deopt roll
// before a guard, the frame's current instruction before a helper that may run code, the
// error convention of kMayRaise ops.
#include "jit/backend_x64_lowering.h"

#include <algorithm>

namespace janus::jit::x64 {

using namespace asmjit;

namespace {

// The force-deopt roll as a 64-bit result (C++ bool's ABI leaves the upper bits undefined).
uint64_t force_deopt_roll_u64() { return force_deopt_roll() ? 1 : 0; }

}  // namespace

void TraceLowering::roll(const Instr& in) {
  if (!force_deopt_ || !trace_.snapshots[in.exit].forceable) return;
  x86::Gp result = new_gp(TypeId::kUInt64);
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(&force_deopt_roll_u64)),
             FuncSignatureT<uint64_t>(CallConvId::kHost));
  call->setRet(0, result);
  cc_.test(result, result);
  cc_.jnz(stub(in.exit));
}

// Before a helper that may run arbitrary code, the frame's current instruction becomes the
// op's (code the helper runs may look at this frame: tracebacks, warnings,
// sys._getframe), as interpret() does:
//   current_frame->prev_instr = _PyCode_CODE(current_frame->f_code) + pc
// current_frame is the one frame_at_ names where the trace says which it is: the loop's
// frame (whose code is the trace's: an immediate), or an inlined callee's frame value
// (its f_code read from it, or an immediate when frame_code_certain); elsewhere it is read
// from the thread state.
//
// A write the straight-line code before it already made (the same frame, the same
// instruction: an instruction's stores, call and breaker check) is not repeated: only
// these writes, PUSH_FRAME (the caller's CALL) and exits change an executing frame's
// prev_instr. The record is dropped at PUSH_FRAME/POP_FRAME and at the loop head, and
// out-of-line code neither uses nor changes it (it runs only on some paths).
void TraceLowering::set_frame_instr(const Instr& in) {
  if (!(op_info(in.op).flags & kEffect)) return;
  const Ref at = static_cast<Ref>(&in - trace_.ops.data());
  const Ref known = frame_at_[at];
  const bool tracked = !emitting_cold_ && (known == kLoopFrame || known >= 0);
  if (tracked) {
    if (last_instr_frame_ == known && last_instr_pc_ == in.pc) return;
    last_instr_frame_ = known;
    last_instr_pc_ = in.pc;
  }
  const int32_t instr_offset = int32_t(offsetof(PyCodeObject, co_code_adaptive) +
                                       int64_t{in.pc} * int64_t{sizeof(_Py_CODEUNIT)});
  x86::Gp frame;
  x86::Gp instr = new_gp();
  if (known == kLoopFrame) {
    frame = load_slot(frame_slot_);
    if (trace_.code != nullptr) {
      cc_.mov(instr, imm(reinterpret_cast<intptr_t>(trace_.code) + instr_offset));
    } else {
      cc_.mov(instr, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)));
      cc_.add(instr, instr_offset);
    }
  } else if (known >= 0 && frame_code_certain(known)) {
    frame = gp(known);  // its code is an immediate too
    cc_.mov(instr, imm(reinterpret_cast<intptr_t>(frame_code_hint(known)) + instr_offset));
  } else {
    if (known >= 0) {
      frame = gp(known);
    } else {
      frame = load_slot(cframe_slot_);
      cc_.mov(frame, x86::qword_ptr(frame, offsetof(_PyCFrame, current_frame)));
    }
    cc_.mov(instr, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)));
    cc_.add(instr, instr_offset);
  }
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, prev_instr)), instr);
}

// frame_at_: the trace's frames as a stack, from the loop's frame (a side trace: from the
// first snapshot, which names every frame at its exit) through PUSH_FRAME (its frame is
// current after it) and POP_FRAME (the one below is current again). A snapshot names the
// frames current before its op (FramePtr entries at depths 1..n, n = its callers); where
// it disagrees with the stack, or a pop is not of the top frame, the current frame is
// unknown until the next snapshot that names all frames.
void TraceLowering::compute_current_frames() {
  const Ref n = static_cast<Ref>(trace_.ops.size());
  frame_at_.assign(n, kUnknownFrame);
  std::vector<Ref> stack;
  bool known = !trace_.side;
  if (known) stack.push_back(kLoopFrame);
  auto frames_of = [&](const Snapshot& snap, std::vector<Ref>* out) {
    const size_t depth = snap.callers.size();
    out->assign(depth + 1, kUnknownFrame);
    (*out)[0] = kLoopFrame;
    for (const SnapEntry& e : snap.entries) {
      if (e.kind == SnapEntry::FramePtr && e.index >= 1 && size_t(e.index) <= depth) {
        (*out)[e.index] = e.ref;
      }
    }
    return std::find(out->begin(), out->end(), kUnknownFrame) == out->end();
  };
  std::vector<Ref> named;
  bool lost = false;  // the two disagreed once: unknown from then on
  for (Ref r = 0; r < n && !lost; r++) {
    const Instr& in = op(r);
    if (in.dead) continue;
    if (in.exit >= 0) {
      const bool complete = frames_of(trace_.snapshots[in.exit], &named);
      if (known && named != stack) {
        lost = true;
        break;
      }
      if (!known && complete) {
        stack = named;
        known = true;
      }
    }
    if (!known) continue;
    frame_at_[r] = stack.back();
    if (in.op == Op::PUSH_FRAME) {
      stack.push_back(r);
    } else if (in.op == Op::POP_FRAME) {
      if (stack.size() > 1 && stack.back() == in.a) {
        stack.pop_back();
      } else {
        lost = true;
      }
    }
  }
  if (lost) frame_at_.assign(n, kUnknownFrame);
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
  x86::Gp result = new_gp(TypeId::kUInt64);
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
  x86::Gp list = new_gp();
  cc_.lea(list, list_area_);
  x86::Gp callee;
  if (info.operands >= 1) callee = raw(in.a);  // before the call node, as in lower_call
  set_frame_instr(in);
  after_call(ref, in, invoke_callv_helper(in, list, info.operands >= 1 ? Operand(callee) : Operand(imm(0))));
}

// The call of in's CallV helper: (list, count, a, imm, aux); its raw result.
x86::Gp TraceLowering::invoke_callv_helper(const Instr& in, const x86::Gp& list, const Operand& a) {
  x86::Gp result = new_gp(TypeId::kUInt64);
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(rt::callv_helper(static_cast<int>(in.op)))),
             FuncSignatureT<uint64_t, const uint64_t*, int64_t, uint64_t, int64_t, int64_t>(
                 CallConvId::kHost));
  call->setArg(0, list);
  call->setArg(1, imm(static_cast<int64_t>(in.list_count)));
  call->_setArg(2, 0, a);  // a register or an immediate
  call->setArg(3, imm(in.imm));
  call->setArg(4, imm(static_cast<int64_t>(in.aux)));
  call->setRet(0, result);
  return result;
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

// CALL_C: ml_meth called from the machine code by its METH_* kind, with what vectorcall
// does around it inline: the recursion check (the helper takes the rare case where the
// limit is reached, and raises exactly), `recursion_remaining` given back, then
// _Py_CheckFunctionResult only when the result is NULL or an exception is set.
void TraceLowering::lower_call_c(Ref ref, const Instr& in) {
  // The operand list in the stack area (the FASTCALL kinds and the helper read it; for the
  // others only the helper's path writes it).
  const int kind = static_cast<int>(in.aux & ~rt::kCNoLevel);
  const bool args_in_list = kind != rt::kCNoArgs && kind != rt::kCOne;
  auto store_list = [&] {
    for (int i = 0; i < in.list_count; i++) {
      cc_.mov(list_area_.cloneAdjusted(int64_t{8} * i), gp(trace_.lists[in.list_start + i]));
    }
  };
  if (args_in_list) store_list();
  x86::Gp callable = gp(in.a);
  x86::Gp self = gp(trace_.lists[in.list_start]);
  x86::Gp first = in.list_count > 1 ? gp(trace_.lists[in.list_start + 1]) : x86::Gp();
  set_frame_instr(in);
  auto* def = reinterpret_cast<PyMethodDef*>(in.imm);
  x86::Gp tstate = new_gp();
  x86::Gp result = new_gp(TypeId::kUInt64);
  x86::Gp list = new_gp();
  Label slow = cc_.newLabel(), check = cc_.newLabel(), done = cc_.newLabel();
  const x86::Mem remaining =
      x86::dword_ptr(tstate, offsetof(PyThreadState, recursion_remaining));
  const bool level = !(in.aux & rt::kCNoLevel);
  cc_.mov(tstate, tstate_slot_);
  if (level) {
    cc_.cmp(remaining, 0);
    cc_.jle(slow);
    cc_.sub(remaining, 1);
  }
  InvokeNode* call;
  void* meth = reinterpret_cast<void*>(def->ml_meth);
  switch (in.aux & rt::kCKindMask) {
    case rt::kCNoArgs:
      cc_.invoke(&call, imm(meth), FuncSignatureT<uint64_t, uint64_t, uint64_t>(CallConvId::kHost));
      call->setArg(0, self);
      call->setArg(1, imm(0));
      break;
    case rt::kCOne:
      cc_.invoke(&call, imm(meth), FuncSignatureT<uint64_t, uint64_t, uint64_t>(CallConvId::kHost));
      call->setArg(0, self);
      call->setArg(1, first);
      break;
    case rt::kCFast:
      cc_.lea(list, list_area_.cloneAdjusted(8));
      cc_.invoke(&call, imm(meth),
                 FuncSignatureT<uint64_t, uint64_t, uint64_t, int64_t>(CallConvId::kHost));
      call->setArg(0, self);
      call->setArg(1, list);
      call->setArg(2, imm(int64_t{in.list_count} - 1));
      break;
    default:
      cc_.lea(list, list_area_.cloneAdjusted(8));
      cc_.invoke(&call, imm(meth),
                 FuncSignatureT<uint64_t, uint64_t, uint64_t, int64_t, uint64_t>(CallConvId::kHost));
      call->setArg(0, self);
      call->setArg(1, list);
      call->setArg(2, imm(int64_t{in.list_count} - 1));
      call->setArg(3, imm(0));
      break;
  }
  call->setRet(0, result);
  cc_.mov(tstate, tstate_slot_);
  if (level) cc_.add(remaining, 1);
  cc_.test(result, result);
  cc_.jz(check);
  cc_.cmp(x86::qword_ptr(tstate, offsetof(PyThreadState, curexc_type)), 0);
  cc_.je(done);
  cc_.bind(check);
  cc_.invoke(&call, imm(reinterpret_cast<void*>(&_Py_CheckFunctionResult)),
             FuncSignatureT<uint64_t, uint64_t, uint64_t, uint64_t, uint64_t>(CallConvId::kHost));
  call->setArg(0, tstate);
  call->setArg(1, callable);
  call->setArg(2, result);
  call->setArg(3, imm(0));
  call->setRet(0, result);
  if (level) {  // at the recursion limit: the helper raises exactly
    cc_.jmp(done);
    cc_.bind(slow);
    if (!args_in_list) store_list();
    cc_.lea(list, list_area_);
    cc_.mov(result, invoke_callv_helper(in, list, callable));
  }
  cc_.bind(done);
  after_call(ref, in, result);
}

}  // namespace janus::jit::x64
