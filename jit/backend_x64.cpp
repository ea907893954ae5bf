// Trace -> x86-64 through asmjit's x86::Compiler (virtual registers; asmjit allocates them
// and spills around calls). One function per trace: `int entry(TraceContext* ctx)`.
//
// Layout of the generated function:
//   prologue   ctx's localsplus / stack_base pointers into registers
//   head:      op 0 .. op n-1 (LOOP jumps back to head)
//   stubs      one per snapshot that some op exits to: store the snapshot's values into
//              ctx->exit_values in order, set ctx->exit_id, return the snapshot index
//
// Values never cross iterations (jit/ir.h), so the back-edge carries nothing.
#include "jit/backend_x64.h"

#include "jit/backend_x64_lowering.h"
#include "jit/deopt.h"
#include "jit/log.h"

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

}  // namespace

namespace x64 {

using namespace asmjit;

void TraceLowering::define(Ref ref) {
  if (is_constant(op(ref).op)) return;  // materialized at each use (gp, xmm)
  switch (type_of(ref)) {
    case Type::Void: break;
    case Type::F64: xmms_[ref] = new_xmm_sd(); break;
    case Type::Obj:
    case Type::I64:
    case Type::Bool: gps_[ref] = new_gp(TypeId::kUInt64); break;
  }
}

x86::Gp TraceLowering::gp(Ref ref) {
  const Instr& in = op(ref);
  if (in.op == Op::CONST_OBJ || in.op == Op::CONST_I64 || in.op == Op::CONST_BOOL) {
    x86::Gp r = new_gp(TypeId::kUInt64);
    cc_.mov(r, imm(in.op == Op::CONST_BOOL ? int64_t{in.imm != 0} : in.imm));
    return r;
  }
  return gps_[ref];
}

x86::Xmm TraceLowering::xmm(Ref ref) {
  const Instr& in = op(ref);
  if (in.op == Op::CONST_F64) {
    x86::Xmm r = new_xmm_sd();
    if (in.imm == 0) {
      cc_.xorpd(r, r);
    } else {
      cc_.movsd(r, cc_.newQWordConst(ConstPoolScope::kLocal, uint64_t(in.imm)));
    }
    return r;
  }
  return xmms_[ref];
}

Label TraceLowering::stub(int32_t snapshot) {
  stub_used_[snapshot] = true;
  return stubs_[snapshot];
}

// An exit: the snapshot's values, raw, into ctx->exit_values in order; then its index.
void TraceLowering::emit_stub(int32_t snapshot, const Label& label) {
  cc_.bind(label);
  const Snapshot& snap = trace_.snapshots[snapshot];
  x86::Gp context = ctx();
  if (!snap.entries.empty()) {
    x86::Gp out = new_gp();
    cc_.mov(out, x86::qword_ptr(context, kCtxExitValues));
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
  if (links_ != nullptr && snap.kind == Snapshot::Resume) emit_link(snapshot);
  cc_.mov(x86::dword_ptr(context, kCtxExitId), snapshot);
  x86::Gp result = new_gp(TypeId::kInt32);
  cc_.mov(result, snapshot);
  cc_.ret(result);
}

// Stitching in machine code (ExitLinks): with the exit's values stored, call the side
// trace linked to this exit, if any, on the same context (its entry values are this exit's
// buffer, its own exit values go to ctx->side_exit_values); back at the loop head with
// nothing to write, go on at op 0; else return this exit with ctx->side_exit set.
void TraceLowering::emit_link(int32_t snapshot) {
  Label plain = cc_.newLabel();
  Label left = cc_.newLabel();
  x86::Gp side = new_gp();
  x86::Gp t = new_gp();
  cc_.mov(side, imm(&links_->slots[snapshot]));
  cc_.mov(side, x86::qword_ptr(side));
  cc_.test(side, side);
  cc_.jz(plain);
  x86::Gp context = ctx();
  cc_.mov(t, x86::qword_ptr(context, kCtxExitValues));
  cc_.mov(x86::qword_ptr(context, kCtxEntryValues), t);
  cc_.mov(t, x86::qword_ptr(context, kCtxSideExitValues));
  cc_.mov(x86::qword_ptr(context, kCtxExitValues), t);
  cc_.mov(t, imm(links_->entries));
  cc_.add(x86::qword_ptr(t), 1);
  x86::Gp result = new_gp(TypeId::kInt32);
  InvokeNode* call;
  cc_.invoke(&call, side, FuncSignatureT<int, TraceContext*>(CallConvId::kHost));
  call->setArg(0, context);
  call->setRet(0, result);
  context = ctx();  // (the call clobbered its register)
  cc_.mov(t, x86::qword_ptr(context, kCtxEntryValues));  // this trace's buffer again
  cc_.mov(x86::qword_ptr(context, kCtxExitValues), t);
  cc_.cmp(result, kSideBackAtHead);
  cc_.jne(left);
  cc_.mov(t, imm(&links_->early_runs[snapshot]));
  cc_.mov(x86::dword_ptr(t), 0);
  cc_.jmp(head_);
  cc_.bind(left);
  cc_.mov(x86::dword_ptr(context, kCtxSideExit), result);
  cc_.mov(x86::qword_ptr(context, kCtxSideCode), side);
  cc_.bind(plain);
}

// SIDE_END: an exit at the loop head; when it would write back just the loop-head stack
// the parent entered with, and the eval breaker is clear, return kSideBackAtHead instead
// (the parent goes on without anything written).
void TraceLowering::lower_side_end(const Instr& in) {
  if (!exit_keeps_entry_state(trace_, in.exit)) {
    cc_.jmp(stub(in.exit));
    return;
  }
  x86::Gp breaker = new_gp();
  cc_.mov(breaker, breaker_slot_);
  cc_.cmp(x86::dword_ptr(breaker), 0);
  cc_.jne(stub(in.exit));
  cc_.add(x86::qword_ptr(ctx(), kCtxIterations), 1);
  x86::Gp result = new_gp(TypeId::kInt32);
  cc_.mov(result, kSideBackAtHead);
  cc_.ret(result);
}

// A stitched side trace's entry value: slot `aux` of the parent's exit buffer.
void TraceLowering::lower_entry(Ref ref, const Instr& in) {
  x86::Gp entry = new_gp();
  cc_.mov(entry, x86::qword_ptr(ctx(), kCtxEntryValues));
  x86::Mem slot = x86::qword_ptr(entry, int32_t(in.aux) * 8);
  if (type_of(ref) == Type::F64) {
    cc_.movsd(xmm(ref), slot);
  } else {
    cc_.mov(gp(ref), slot);
  }
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
  x86::Gp context = cc_.newIntPtr("ctx");
  func->setArg(0, context);
  x86::Mem slots = cc_.newStack(8 * 8, 8, "ctx_fields");
  ctx_slot_ = slots;
  tstate_slot_ = slots.cloneAdjusted(8);
  locals_slot_ = slots.cloneAdjusted(16);
  stack_slot_ = slots.cloneAdjusted(24);
  frame_slot_ = slots.cloneAdjusted(32);
  breaker_slot_ = slots.cloneAdjusted(40);
  cc_.mov(ctx_slot_, context);
  const std::pair<const x86::Mem*, int32_t> fields[] = {
      {&tstate_slot_, kCtxTstate}, {&locals_slot_, kCtxLocals}, {&stack_slot_, kCtxStack},
      {&frame_slot_, kCtxFrame},   {&breaker_slot_, kCtxEvalBreaker}};
  for (const auto& [slot, offset] : fields) {
    x86::Gp t = new_gp();
    cc_.mov(t, x86::qword_ptr(context, offset));
    cc_.mov(*slot, t);
  }
  interp_slot_ = slots.cloneAdjusted(48);  // tstate->interp (float free list)
  x86::Gp interp = tstate();
  cc_.mov(interp, x86::qword_ptr(interp, offsetof(PyThreadState, interp)));
  cc_.mov(interp_slot_, interp);
  // tstate->cframe: a C evaluation loop that a helper runs sets its own and restores this
  // one before returning, so it is the same wherever the trace's own code runs.
  cframe_slot_ = slots.cloneAdjusted(56);
  x86::Gp cframe = tstate();
  cc_.mov(cframe, x86::qword_ptr(cframe, offsetof(PyThreadState, cframe)));
  cc_.mov(cframe_slot_, cframe);
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

  compute_current_frames();
  compute_frame_slots();
  head_ = cc_.newLabel();
  cc_.bind(head_);
  const bool listing = cc_.logger() != nullptr;
  for (Ref r = 0; r < n; r++) {
    if (op(r).dead) continue;
    if (listing) cc_.commentf("%04d %s", int(r), op_info(op(r).op).name);  // JANUS_JIT_DUMP=2
    lowering_ = r;
    const bool frames_change = op(r).op == Op::PUSH_FRAME || op(r).op == Op::POP_FRAME;
    if (frames_change) forget_frame_instr();
    lower(r, op(r));
    if (frames_change) forget_frame_instr();
  }
  cc_.jmp(head_);
  emitting_cold_ = true;
  for (size_t i = 0; i < cold_.size(); i++) {
    if (listing) cc_.commentf("%04d %s", int(cold_[i].ref), op_info(op(cold_[i].ref).op).name);
    cold_[i].emit();
  }
  for (size_t s = 0; s < stubs_.size(); s++) {
    if (stub_used_[s]) emit_stub(static_cast<int32_t>(s), stubs_[s]);
  }
  cc_.endFunc();
  return true;
}

}  // namespace x64

MachineCode::~MachineCode() {
  if (entry_ != nullptr) runtime().release(entry_);
}

std::unique_ptr<MachineCode> compile(const Trace& trace, std::string* why,
                                     std::string* listing, const ExitLinks* links) {
  std::string ignored;
  if (why == nullptr) why = &ignored;
  CodeHolder code;
  ErrorCollector errors;
  StringLogger logger;
  code.init(runtime().environment());
  code.setErrorHandler(&errors);
  if (listing != nullptr) code.setLogger(&logger);
  if (listing != nullptr && dump_bytes_enabled()) logger.addFlags(FormatFlags::kMachineCode);
  x86::Compiler cc(&code);
  x64::TraceLowering lowering(trace, cc, trace.side ? nullptr : links);
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
