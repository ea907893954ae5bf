// The trace recorder (see record.h). Each instruction is recorded from the concrete
// operands tier 0 is about to use: the recorder picks the specialized IR they allow (unboxed
// int/float arithmetic, inline list/range iteration, constant globals) and guards every
// assumption with a snapshot of the state before the instruction, so a failing guard
// resumes tier 0 at that very instruction. Everything it does not know aborts the
// recording with a reason; a trace must never compute something tier 0 would not.
#include "jit/record.h"

#include "jit/attr_site.h"
#include "jit/known_c.h"
#include "jit/math_call.h"
#include "jit/runtime.h"
#include "vm/call_binding.h"
#include "vm/getattr.h"
#include "vm/vm.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace janus::jit {

namespace {

// Instruction lengths and jump targets, in code units (3.11: relative to the next instr).
int base_opcode(int opcode) {
  int base = _PyOpcode_Deopt[opcode];
  return base != 0 ? base : opcode;
}

bool fits_i64(PyObject* o) {
  if (!PyLong_CheckExact(o)) return false;
  int overflow = 0;
  PyLong_AsLongLongAndOverflow(o, &overflow);
  return overflow == 0;
}

// The value of an exact int known to fit int64 (0 otherwise; never leaves an error set).
int64_t concrete_i64(PyObject* o) {
  int overflow = 0;
  long long v = PyLong_CheckExact(o) ? PyLong_AsLongLongAndOverflow(o, &overflow) : 0;
  if (v == -1 && PyErr_Occurred()) PyErr_Clear();
  return overflow ? 0 : v;
}

// Code whose body a recording could not follow when inlined: called, never inlined.
std::unordered_set<PyCodeObject*> g_not_inlined;

// JANUS_JIT_MAX_UNROLL: back-edges of loops inside inlined callees one recording unrolls.
int g_max_unroll = 8;

class Recorder {
 public:
  bool active = false;
  _PyInterpreterFrame* frame = nullptr;

  void start(_PyInterpreterFrame* f, int loop_head, int depth, int max_length, int max_inline) {
    begin(f->f_code, loop_head, loop_head, max_length, max_inline);
    frame = f;
    code_ = f->f_code;
    note_names_dict(f);
    trace_->entry_stack_depth = depth;
    for (int i = 0; i < depth; i++) {
      Ref r = b_->emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, i);
      stack_.push_back(r);
    }
    entry_stack_ = stack_;
    expected_ = loop_head;
    breaker_clean_ = true;
  }

  // A side trace: recording starts at `pc` of the innermost of `frames` (frames[0] is the
  // loop's frame; frames[d] was called by frames[d - 1], each caller suspended after its
  // CALL), whose state exit `exit` of the loop trace `parent` has just written, and ends at
  // the loop's back-edge with the loop head's stack depth. When the side trace runs, that
  // exit is not deoptimized: the side trace starts from the parent's exit buffer (its
  // snapshot's values, unboxed where the parent had them unboxed, the callee frames'
  // pointers) and from the frames as the parent left them (locals written, loop frame
  // holding the loop head's stack, callee frames with empty stacks). So each stack slot of
  // the snapshot becomes an entry value here:
  //   - a constant stays that constant (NULL: null_);
  //   - the parent's LOAD_STACK #j stays LOAD_STACK #j (the loop frame still holds it);
  //   - a value the parent owned (one of the snapshot's Release entries) is ENTRY_OBJ: its
  //     reference passes to the side trace, whose refcount pass releases it;
  //   - a value the parent borrowed is ENTRY_PTR + NEWREF (tier 0's stack would hold a
  //     reference of its own; its lender may go away);
  //   - unboxed values are ENTRY_I64 / ENTRY_F64 / ENTRY_BOOL.
  // Owned values that are on no stack (live in the parent past the exit) are ENTRY_OBJ too,
  // unused, so they are released at once. Exits of the side trace then write every frame
  // from its own snapshots (deoptimize), as exits of any trace do.
  void start_side(const std::vector<_PyInterpreterFrame*>& frames, int loop_head, int pc,
                  const Trace& parent, int exit, int max_length, int max_inline) {
    _PyInterpreterFrame* root = frames[0];
    const int k = static_cast<int>(frames.size()) - 1;
    begin(root->f_code, loop_head, pc, max_length, max_inline);
    note_names_dict(root);
    loop_stack_depth_ = parent.entry_stack_depth;
    trace_->side = true;
    trace_->entry_stack_depth = parent.entry_stack_depth;
    const Snapshot& snap = parent.snapshots[exit];
    // Where each frame's stack slots and frame pointer are in the exit buffer.
    std::vector<std::vector<int>> slots(k + 1);
    std::vector<int> frame_ptr(k + 1, -1);
    std::map<Ref, std::vector<int>> owned;  // parent ref -> its Release entries
    std::vector<int> deferred_locals;       // the snapshot's Local entries
    if (static_cast<int>(snap.callers.size()) != k) {
      fail("internal: the side trace's frames do not match its exit", pc);
      return;
    }
    for (int d = 0; d <= k; d++) {
      const int depth = d < k ? snap.callers[d].stack_depth : snap.stack_depth;
      const _PyInterpreterFrame* f = frames[d];
      if (f->stacktop - f->f_code->co_nlocalsplus != depth) {
        fail("internal: the side trace's frames do not match its exit", pc);
        return;
      }
      slots[d].assign(depth, -1);
    }
    for (size_t i = 0; i < snap.entries.size(); i++) {
      const SnapEntry& e = snap.entries[i];
      const int idx = static_cast<int>(i);
      if (e.kind == SnapEntry::Stack) slots[e.depth][e.index] = idx;
      if (e.kind == SnapEntry::FramePtr) frame_ptr[e.index] = idx;
      if (e.kind == SnapEntry::Release) owned[e.ref].push_back(idx);
      if (e.kind == SnapEntry::Local) {
        // A deferred local of an inlined frame (unboxed; its real slot holds NULL).
        if (e.depth == 0) {
          fail("internal: a snapshot with a local of the loop's frame", pc);
          return;
        }
        deferred_locals.push_back(idx);
      }
    }
    // Borrowed values first: every NEWREF is taken before any owned value is released.
    auto entry_value = [&](int idx, bool* deferred) -> Ref {
      const Ref p = snap.entries[idx].ref;
      const Instr& in = parent.ops[p];
      switch (in.type) {
        case Type::I64: return b_->emit(Op::ENTRY_I64, kNoRef, kNoRef, kNoRef, 0, idx);
        case Type::F64: return b_->emit(Op::ENTRY_F64, kNoRef, kNoRef, kNoRef, 0, idx);
        case Type::Bool: return b_->emit(Op::ENTRY_BOOL, kNoRef, kNoRef, kNoRef, 0, idx);
        default: break;
      }
      if (in.op == Op::CONST_OBJ) {
        return in.imm == 0 ? null_ : const_obj(reinterpret_cast<PyObject*>(in.imm));
      }
      if (in.op == Op::LOAD_STACK) return b_->emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, in.aux);
      auto it = owned.find(p);
      if (it != owned.end() && !it->second.empty()) {
        *deferred = true;
        return kNoRef;
      }
      return b_->emit(Op::NEWREF, b_->emit(Op::ENTRY_PTR, kNoRef, kNoRef, kNoRef, 0, idx));
    };
    std::vector<std::vector<Ref>> stacks(k + 1);
    std::vector<std::pair<int, int>> deferred;  // (depth, slot) of owned values
    for (int d = 0; d <= k; d++) {
      for (int i = 0; i < static_cast<int>(slots[d].size()); i++) {
        if (slots[d][i] < 0) {
          fail("internal: a stack slot the exit's snapshot does not name", pc);
          return;
        }
        const Instr& in = parent.ops[snap.entries[slots[d][i]].ref];
        if (_PyFrame_Stackbase(frames[d])[i] == nullptr && in.op != Op::CONST_OBJ &&
            in.op != Op::LOAD_STACK) {
          fail("internal: a NULL stack slot the parent did not know as NULL", pc);
          return;
        }
        bool later = false;
        stacks[d].push_back(entry_value(slots[d][i], &later));
        if (later) deferred.push_back({d, i});
      }
    }
    for (auto [d, i] : deferred) {
      std::vector<int>& releases = owned[snap.entries[slots[d][i]].ref];
      if (releases.empty()) {  // the same owned value twice: the second one is borrowed
        stacks[d][i] = b_->emit(Op::NEWREF, b_->emit(Op::ENTRY_PTR, kNoRef, kNoRef, kNoRef, 0,
                                                     slots[d][i]));
        continue;
      }
      releases.pop_back();
      stacks[d][i] = b_->emit(Op::ENTRY_OBJ, kNoRef, kNoRef, kNoRef, 0, slots[d][i]);
    }
    // Deferred locals (before the owned values nobody takes are released): an object takes
    // the parent's reference when no stack slot did, else one of its own.
    std::map<int, Ref> local_values;  // entry index -> its value here
    for (int idx : deferred_locals) {
      const Ref p = snap.entries[idx].ref;
      if (parent.ops[p].type != Type::Obj) {
        bool unused = false;
        local_values[idx] = entry_value(idx, &unused);
        continue;
      }
      std::vector<int>& releases = owned[p];
      if (releases.empty()) {
        local_values[idx] = b_->emit(Op::NEWREF, b_->emit(Op::ENTRY_PTR, kNoRef, kNoRef, kNoRef, 0, idx));
      } else {
        local_values[idx] = b_->emit(Op::ENTRY_OBJ, kNoRef, kNoRef, kNoRef, 0, releases.back());
        releases.pop_back();
      }
    }
    for (const auto& [ref, releases] : owned) {
      for (int idx : releases) b_->emit(Op::ENTRY_OBJ, kNoRef, kNoRef, kNoRef, 0, idx);
    }
    auto return_pc = [](_PyInterpreterFrame* f) {
      return static_cast<int>(f->prev_instr - _PyCode_CODE(f->f_code)) + 1;
    };
    for (int d = 0; d <= k; d++) {
      _PyInterpreterFrame* f = frames[d];
      Ref fr = kNoRef;
      if (d > 0) {
        if (frame_ptr[d] < 0) {
          fail("internal: the exit's snapshot names no frame at depth " + std::to_string(d), pc);
          return;
        }
        fr = b_->emit(Op::ENTRY_PTR, kNoRef, kNoRef, kNoRef, 0, frame_ptr[d]);
      }
      if (d < k) {
        callers_.push_back({f->f_code, f, fr, {}, {}, std::move(stacks[d]), return_pc(f)});
      } else {
        code_ = f->f_code;
        frame = f;
        frame_ref_ = fr;
        stack_ = std::move(stacks[d]);
      }
    }
    // Plain locals of the inlined frames that hold NULL now hold NULL at every entry: the
    // parent's path to this exit stored into the same slots for real each time (the exit
    // just wrote the deferred ones; those stay deferred: the real slots hold NULL while the
    // side trace runs).
    for (int d = 1; d <= k; d++) {
      const _PyInterpreterFrame* f = frames[d];
      std::set<int>& nulls = d == k ? null_slots_ : callers_[d].null_slots;
      for (int i = 0; i < f->f_code->co_nlocalsplus; i++) {
        if (_PyLocals_GetKind(f->f_code->co_localspluskinds, i) == CO_FAST_LOCAL &&
            f->localsplus[i] == nullptr) {
          nulls.insert(i);
        }
      }
    }
    for (int idx : deferred_locals) {
      const SnapEntry& e = snap.entries[idx];
      if (e.depth > k) {
        fail("internal: a local of a frame the side trace does not have", pc);
        return;
      }
      const Ref v = local_values[idx];
      const bool innermost = e.depth == k;
      (innermost ? written_ : callers_[e.depth].written)[e.index] = v;
      (innermost ? loaded_ : callers_[e.depth].loaded)[e.index] = v;
      (innermost ? null_slots_ : callers_[e.depth].null_slots).insert(e.index);
    }
    live_entry_frames_ = k;
    expected_ = pc;
    rebind_entries(snap, slots, deferred_locals, pc);
  }

  // DESCR_GET's aux: a method descriptor's __get__ only makes a builtin method object.
  static int32_t binds_without_code(PyObject* descr) {
    return Py_IS_TYPE(descr, &PyMethodDescr_Type) ? kCallRunsNoCode : 0;
  }

  // The parent's exit holds a bound builtin method it never made (passes/sink.cpp: a `bind`
  // entry, the receiver in the buffer): the side trace binds it again (DESCR_GET, which its
  // own sinking may drop again), before anything else. Should that fail (MemoryError), its
  // exit writes the frames as the parent's exit would have and raises at the start.
  void rebind_entries(const Snapshot& snap, const std::vector<std::vector<int>>& slots,
                      const std::vector<int>& deferred_locals, int pc) {
    struct Bind {
      SnapEntry::Kind kind;
      int depth, index;
      PyObject* descr;
    };
    std::vector<Bind> binds;
    for (int d = 0; d < static_cast<int>(slots.size()); d++) {
      for (int i = 0; i < static_cast<int>(slots[d].size()); i++) {
        const SnapEntry& e = snap.entries[slots[d][i]];
        if (e.bind) binds.push_back({SnapEntry::Stack, d, i, static_cast<PyObject*>(e.bind)});
      }
    }
    for (int idx : deferred_locals) {
      const SnapEntry& e = snap.entries[idx];
      if (e.bind) binds.push_back({SnapEntry::Local, e.depth, e.index, static_cast<PyObject*>(e.bind)});
    }
    if (binds.empty()) return;
    const int k = static_cast<int>(callers_.size());
    auto slot_of = [&](const Bind& b) -> Ref& {
      if (b.kind == SnapEntry::Stack) return b.depth == k ? stack_[b.index] : callers_[b.depth].stack[b.index];
      return b.depth == k ? written_[b.index] : callers_[b.depth].written[b.index];
    };
    const int exit = snapshot(Snapshot::RaiseAt, pc, stack_, written_, false);
    for (SnapEntry& e : trace_->snapshots[exit].entries) {
      for (const Bind& b : binds) {
        if (e.kind == b.kind && e.depth == b.depth && e.index == b.index) e.bind = b.descr;
      }
    }
    for (const Bind& b : binds) {
      Ref& slot = slot_of(b);
      const Ref bound = b_->emit(Op::DESCR_GET, slot, const_obj(b.descr), kNoRef,
                                 reinterpret_cast<int64_t>(b.descr), binds_without_code(b.descr),
                                 exit);
      if (b.kind == SnapEntry::Local) {
        (b.depth == k ? loaded_ : callers_[b.depth].loaded)[b.index] = bound;
      }
      slot = bound;
    }
  }

  // One instruction of any frame running in the recording loop: the recorded frames'
  // instructions are recorded; those of calls recorded as one OBJ_CALL are ignored.
  bool step_in(_PyInterpreterFrame* f, int offset, PyObject** sp) {
    if (entering_) {
      // The inlined callee's first instruction (its CALL, already recorded at PRECALL,
      // reports first).
      if (f == frame && offset == skip_offset_) {
        skip_offset_ = -1;
        return true;
      }
      if (f->f_code != code_ || f->previous != frame || offset != 0) {
        return fail("an inlined callee did not run in the recording loop", offset);
      }
      entering_ = false;
      frame = f;
      skip_offset_ = -1;
      expected_ = 0;
    } else if (f != frame) {
      for (const CallerRec& c : callers_) {
        if (c.frame == f) return fail("control left an inlined call (an exception?)", offset);
      }
      return true;  // a frame the trace does not inline: tier 0 runs it inside the OBJ_CALL
    }
    return step(offset, sp);
  }

  // Returns true to go on recording.
  bool step(int offset, PyObject** sp) {
    if (pending_) {
      auto resolve = std::move(pending_);
      pending_ = nullptr;
      if (!resolve(offset)) return false;
    }
    if (offset == skip_offset_) {
      // The CALL of a specialized PRECALL that fell back to the generic one: already
      // recorded with its PRECALL.
      skip_offset_ = -1;
      return true;
    }
    skip_offset_ = -1;
    // A library call allowed for an inlined CALL has been made by now (tier 0 runs it
    // right after its PRECALL); nothing else gets it.
    vm::allow_library_call(false);
    if (offset != expected_) {
      return fail("control left the recorded path (an exception or an unexpected jump)",
                  offset);
    }
    if (sp - _PyFrame_Stackbase(frame) != static_cast<Py_ssize_t>(stack_.size())) {
      return fail("value stack out of step with the recording", offset);
    }
    // Too long with a callee's loop unrolled: that callee is called from now on (not the
    // innermost code, which may be fine inlined on its own).
    if (++count_ > max_length_) return fail("trace too long", offset, unrolled_depth_);
    sp_ = sp;
    PyCodeObject* code_before = code_;
    if (!instruction(offset)) return false;
    // A call or return switched frames: the next instruction is the other frame's.
    if (code_ != code_before || entering_) return true;
    return fused_follower();
  }

  // Quickened code runs some instruction pairs in one dispatch (superinstructions, and
  // specialized PRECALLs that make the call and skip CALL): the hook sees only the first,
  // so the second is recorded now.
  bool fused_follower() {
    if (!active) return true;
    int actual = _Py_OPCODE(_PyCode_CODE(code_)[op_pc_]);
    // Any PRECALL: an adaptive one may specialize while it runs and then skip CALL.
    if (base_opcode(actual) == PRECALL) actual = PRECALL_NO_KW_LEN;
    switch (actual) {
      case LOAD_FAST__LOAD_FAST:
      case LOAD_FAST__LOAD_CONST:
      case STORE_FAST__LOAD_FAST:
      case STORE_FAST__STORE_FAST:
      case LOAD_CONST__LOAD_FAST:
        return instruction(expected_);
      case PRECALL_NO_KW_LEN:
      case PRECALL_NO_KW_ISINSTANCE:
      case PRECALL_NO_KW_LIST_APPEND:
      case PRECALL_NO_KW_BUILTIN_O:
      case PRECALL_NO_KW_BUILTIN_FAST:
      case PRECALL_NO_KW_METHOD_DESCRIPTOR_O:
      case PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST:
      case PRECALL_NO_KW_STR_1:
      case PRECALL_NO_KW_TYPE_1: {
        int call_pc = expected_;
        if (!instruction(call_pc)) return false;
        skip_offset_ = call_pc;
        return true;
      }
      default:
        return true;
    }
  }

  void abort(const std::string& reason) { fail(reason, -1); }

  _PyInterpreterFrame* loop_frame() const { return callers_.empty() ? frame : callers_[0].frame; }

  RecordResult take() {
    RecordResult r = std::move(result_);
    result_ = RecordResult();
    return r;
  }

 private:
  // What every recording starts with: a fresh recorder, an empty trace of the loop at
  // `loop_head` in `code`, its builder at `pc`, the NULL constant.
  void begin(PyCodeObject* code, int loop_head, int pc, int max_length, int max_inline) {
    *this = Recorder();
    active = true;
    loop_head_ = loop_head;
    max_length_ = max_length;
    max_inline_ = max_inline;
    trace_ = std::make_unique<Trace>();
    trace_->code = reinterpret_cast<PyObject*>(code);
    trace_->loop_head = loop_head;
    b_ = std::make_unique<IRBuilder>(*trace_);
    b_->set_before_code([this](Op) {
      breaker_clean_ = false;
      flush_deferred_locals();
    });
    b_->set_pc(pc);
    null_ = b_->emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, 0);
  }

  PyCodeObject* code_ = nullptr;
  int loop_head_ = 0;
  int loop_stack_depth_ = 0;   // side traces: the loop head's stack depth
  int live_entry_frames_ = 0;  // side traces: entry frames above the loop's still there
  int max_length_ = 0;
  int count_ = 0;
  PyObject* names_dict_ = nullptr;  // the loop frame's names dict when it stores names
  std::vector<int> unrolled_;  // per inline depth: back-edges its frame's loops unrolled
  int unrolled_depth_ = -1;   // the outermost inlined frame on the stack unrolling a loop
  std::unique_ptr<Trace> trace_;
  std::unique_ptr<IRBuilder> b_;
  std::vector<Ref> stack_;
  std::vector<Ref> entry_stack_;
  // Deferred locals of the innermost frame when it is an inlined callee: a float, int or
  // bool stored into a slot that holds NULL in the real frame stays unboxed in the trace
  // (written_[slot] = its value): every snapshot names it (deoptimize writes it, boxed), the
  // real slot stays NULL, and it is written for real (boxed) before any op that may run
  // Python code (flush_deferred_locals), since that code could look at the frame. Stores of
  // objects are immediate, as in tier 0 (an old value's finalizer runs at the same point).
  // The loop's own frame never defers. null_slots_: the innermost inlined frame's slots
  // known to hold NULL in the real frame (plain locals PUSH_FRAME did not fill, not stored
  // for real since).
  std::map<int, Ref> written_;
  std::set<int> null_slots_;
  std::map<int, Ref> loaded_;   // the value each local slot holds (loaded or stored)
  std::map<int, Ref> consts_;   // co_consts index -> CONST_OBJ
  std::unordered_map<Ref, Ref> as_i64_, as_f64_, as_obj_;
  std::unordered_map<Ref, PyTypeObject*> known_type_;
  std::function<bool(int)> pending_;
  int expected_ = 0;
  int skip_offset_ = -1;
  Ref null_ = kNoRef;
  PyObject** sp_ = nullptr;
  // The instruction being recorded: where tier 0 resumes if a guard fails (the first
  // EXTENDED_ARG), the faulting instruction for raises, and the state before it.
  int resume_pc_ = 0;
  int op_pc_ = 0;
  std::vector<Ref> pre_stack_;
  std::map<int, Ref> pre_written_;
  int pre_snap_ = -1;
  int raise_snap_ = -1;
  RecordResult result_;
  // No op that may run code (ir.cpp may_run_code) since the last eval-breaker check: only
  // Python code (a signal sent by it, a thread switch while it runs) or an async signal
  // sets the breaker, and the async ones are seen at the next check (each iteration ends
  // with one at its back-edge). So tier 0's checks at function entry (RESUME) and after
  // calls are needed only where code ran since the last. A loop trace's iterations start
  // checked (tier1.cpp enters none with the breaker set; the back-edge checked); a side
  // trace starts inside one and assumes nothing.
  bool breaker_clean_ = false;

  // `blame_depth`: the inline depth whose code is blamed when the failure is a callee's
  // (-1: the innermost frame's).
  bool fail(const std::string& reason, int pc, int blame_depth = -1) {
    if (!active) return false;
    active = false;
    vm::allow_library_call(false);
    result_.trace.reset();
    result_.abort_reason = reason;
    result_.abort_pc = pc;
    result_.abort_code = code_;
    // Inside an inlined callee (not a side trace's entry frame): that code's body is what
    // the recorder cannot follow (`with`, a generator, ...), so it is called from now on.
    const int depth = blame_depth >= 0 ? blame_depth : static_cast<int>(callers_.size());
    PyCodeObject* blamed = depth == static_cast<int>(callers_.size()) ? code_ : callers_[depth].code;
    if (depth > 0 && depth > live_entry_frames_ && pc >= 0 && g_not_inlined.insert(blamed).second) {
      Py_INCREF(blamed);  // kept: a freed code's address must not match a new one
      result_.callee_blamed = true;
    }
    trace_.reset();
    b_.reset();
    return false;
  }

  // ---- values -----------------------------------------------------------------------

  Type type_of(Ref r) const { return trace_->ops[r].type; }
  const Instr& instr(Ref r) const { return trace_->ops[r]; }
  PyObject* concrete(int from_top) const { return sp_[-from_top]; }  // 1 = TOS
  Ref peek(int from_top) const { return stack_[stack_.size() - from_top]; }
  Ref pop() {
    Ref r = stack_.back();
    stack_.pop_back();
    return r;
  }
  void push(Ref r) { stack_.push_back(r); }

  // The state of the innermost frame (pc, stack, written), and inside inlined calls that of
  // every caller frame: its stack below the call, resuming after its CALL.
  int snapshot(Snapshot::Kind kind, int pc, const std::vector<Ref>& stack,
               const std::map<int, Ref>& written, bool forceable) {
    Snapshot s;
    s.kind = kind;
    s.pc = pc;
    s.stack_depth = static_cast<int32_t>(stack.size());
    s.forceable = forceable;
    const int32_t depth = static_cast<int32_t>(callers_.size());
    for (int32_t d = 0; d < depth; d++) {
      const CallerRec& c = callers_[d];
      s.callers.push_back({c.return_pc, static_cast<int32_t>(c.stack.size())});
      if (d > 0) s.entries.push_back({SnapEntry::FramePtr, d, c.frame_ref});
      for (size_t i = 0; i < c.stack.size(); i++) {
        s.entries.push_back({SnapEntry::Stack, static_cast<int32_t>(i), c.stack[i], d});
      }
      for (const auto& [slot, ref] : c.written) {
        s.entries.push_back({SnapEntry::Local, slot, ref, d});
      }
    }
    if (depth > 0) {
      s.entries.push_back({SnapEntry::FramePtr, depth, frame_ref_});
      s.code = code_;
    }
    for (const auto& [slot, ref] : written) {
      s.entries.push_back({SnapEntry::Local, slot, ref, depth});
    }
    for (size_t i = 0; i < stack.size(); i++) {
      s.entries.push_back({SnapEntry::Stack, static_cast<int32_t>(i), stack[i], depth});
    }
    return b_->add_snapshot(std::move(s));
  }
  // The state before the instruction: a failing guard re-runs it in tier 0.
  int pre() {
    // A CALL with keywords re-runs from its KW_NAMES (tier 0 keeps the names in a local).
    const int at = kwnames_ != nullptr && base_opcode(_Py_OPCODE(_PyCode_CODE(code_)[op_pc_])) == CALL
                       ? kw_names_resume_ : resume_pc_;
    if (pre_snap_ < 0) pre_snap_ = snapshot(Snapshot::Resume, at, pre_stack_, pre_written_, true);
    return pre_snap_;
  }
  // A helper raised: tier 0 unwinds from the faulting instruction.
  int raise() {
    if (raise_snap_ < 0) raise_snap_ = snapshot(Snapshot::RaiseAt, op_pc_, pre_stack_, pre_written_, false);
    return raise_snap_;
  }

  Ref const_obj(PyObject* o) {
    Ref r = b_->const_obj(o);
    known_type_[r] = Py_TYPE(o);
    return r;
  }

  void guard_type(Ref r, PyTypeObject* type) {
    auto it = known_type_.find(r);
    if (it != known_type_.end() && it->second == type) return;
    b_->emit(Op::GUARD_TYPE, r, kNoRef, kNoRef, reinterpret_cast<int64_t>(type), 0, pre());
    known_type_[r] = type;
  }

  // Boxed form of any value (Bool -> Py_True/Py_False, I64/F64 -> a new object).
  Ref as_obj(Ref r) {
    switch (type_of(r)) {
      case Type::Obj: return r;
      case Type::Void: return r;  // never happens: void values are not pushed
      default: break;
    }
    auto it = as_obj_.find(r);
    if (it != as_obj_.end()) return it->second;
    Ref boxed;
    if (type_of(r) == Type::Bool) {
      boxed = b_->emit(Op::BOX_BOOL, r);
      known_type_[boxed] = &PyBool_Type;
    } else if (type_of(r) == Type::I64) {
      boxed = b_->emit(Op::BOX_INT, r, kNoRef, kNoRef, 0, 0, raise());
      known_type_[boxed] = &PyLong_Type;
      as_i64_[boxed] = r;
    } else {
      boxed = b_->emit(Op::BOX_FLOAT, r, kNoRef, kNoRef, 0, 0, raise());
      known_type_[boxed] = &PyFloat_Type;
      as_f64_[boxed] = r;
    }
    as_obj_[r] = boxed;
    return boxed;
  }

  // An int64 view of a value whose concrete object is an exact int fitting int64.
  Ref as_i64(Ref r) {
    if (type_of(r) == Type::I64) return r;
    auto it = as_i64_.find(r);
    if (it != as_i64_.end()) return it->second;
    Ref out;
    const Instr& in = instr(r);
    if (in.op == Op::CONST_OBJ) {
      out = b_->const_i64(PyLong_AsLongLong(reinterpret_cast<PyObject*>(in.imm)));
    } else {
      b_->emit(Op::GUARD_INT64, r, kNoRef, kNoRef, 0, 0, pre());
      known_type_[r] = &PyLong_Type;
      out = b_->emit(Op::UNBOX_INT, r);
    }
    as_i64_[r] = out;
    return out;
  }

  // A double view of a value whose concrete object is an exact float or int64 int.
  Ref as_f64(Ref r, PyObject* concrete_value) {
    if (type_of(r) == Type::F64) return r;
    if (type_of(r) == Type::I64 || PyLong_CheckExact(concrete_value)) {
      return b_->emit(Op::I64_TO_F64, as_i64(r));
    }
    auto it = as_f64_.find(r);
    if (it != as_f64_.end()) return it->second;
    Ref out;
    const Instr& in = instr(r);
    if (in.op == Op::CONST_OBJ) {
      out = b_->const_f64(PyFloat_AS_DOUBLE(reinterpret_cast<PyObject*>(in.imm)));
    } else {
      guard_type(r, &PyFloat_Type);
      out = b_->emit(Op::UNBOX_FLOAT, r);
    }
    as_f64_[r] = out;
    return out;
  }

  // A value borrowed from a local slot that is about to be overwritten: the values on the
  // stack that are it become owned aliases (tier 0's stack holds a reference of its own).
  void protect(Ref r) {
    if (type_of(r) != Type::Obj || is_owned(r)) return;
    Ref alias = kNoRef;
    for (Ref& entry : stack_) {
      if (entry != r) continue;
      if (alias == kNoRef) alias = newref(r);
      entry = alias;
    }
  }

  bool is_owned(Ref r) const { return (op_info(instr(r).op).flags & kOwned) != 0; }

  // Before an op that may run Python code: every inlined frame's deferred locals are
  // written for real (boxed), as tier 0 would have them (the code may read the frames:
  // sys._getframe(n).f_locals, locals(), a signal handler's frame).
  void flush_deferred_locals() {
    auto flush = [this](Ref fr, std::map<int, Ref>& written, std::set<int>& nulls) {
      for (const auto& [slot, v] : written) {
        Ref old = b_->emit(Op::FRAME_STORE, fr, as_obj(v), kNoRef, 0, slot);
        b_->emit(Op::XDECREF, old);  // NULL: the slot was deferred
        if (type_of(v) == Type::Obj) b_->emit(Op::KEEP_ALIVE, v);  // the frame holds it now
        nulls.erase(slot);
      }
      written.clear();
    };
    for (CallerRec& c : callers_) {
      if (c.frame_ref != kNoRef) flush(c.frame_ref, c.written, c.null_slots);
    }
    if (frame_ref_ != kNoRef) {
      // Snapshots of this instruction made from now on name the real slots, not the
      // values flushed into them (deoptimize would box a float again: another object).
      for (const auto& [slot, v] : written_) {
        auto pre = pre_written_.find(slot);
        if (pre != pre_written_.end() && pre->second == v) pre_written_.erase(pre);
      }
      flush(frame_ref_, written_, null_slots_);
    }
  }

  Ref newref(Ref r) {
    Ref alias = b_->emit(Op::NEWREF, r);
    auto t = known_type_.find(r);
    if (t != known_type_.end()) known_type_[alias] = t->second;
    auto i = as_i64_.find(r);
    if (i != as_i64_.end()) as_i64_[alias] = i->second;
    auto f = as_f64_.find(r);
    if (f != as_f64_.end()) as_f64_[alias] = f->second;
    return alias;
  }

  // A value found through a guarded version (a global, a module or class attribute): the
  // trace takes no reference of its own (getrefcount stays tier 0's, and a rebound name
  // frees its value as usual; the version guard fails before the pointer could be used
  // again), and the value pushed is an owned alias, as tier 0's stack holds one.
  Ref pinned_value(PyObject* o) {
    Ref c = b_->emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, reinterpret_cast<int64_t>(o));
    known_type_[c] = Py_TYPE(o);
    return newref(c);
  }

  Ref local(int slot) {
    auto l = loaded_.find(slot);
    if (l != loaded_.end()) return l->second;
    Ref r = frame_ref_ == kNoRef ? b_->emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, slot)
                                 : b_->emit(Op::FRAME_LOAD, frame_ref_, kNoRef, kNoRef, 0, slot);
    b_->emit(Op::GUARD_NOT_NULL, r, kNoRef, kNoRef, 0, 0, pre());
    loaded_[slot] = r;
    return r;
  }

  // ---- instructions -------------------------------------------------------------------

  bool instruction(int offset) {
    _Py_CODEUNIT* code = _PyCode_CODE(code_);
    resume_pc_ = offset;
    int pc = offset;
    int opcode = base_opcode(_Py_OPCODE(code[pc]));
    int oparg = _Py_OPARG(code[pc]);
    while (opcode == EXTENDED_ARG) {
      pc++;
      opcode = base_opcode(_Py_OPCODE(code[pc]));
      oparg = (oparg << 8) | _Py_OPARG(code[pc]);
    }
    op_pc_ = pc;
    const int next = pc + 1 + _PyOpcode_Caches[opcode];
    pre_stack_ = stack_;
    pre_written_ = written_;
    pre_snap_ = raise_snap_ = -1;
    b_->set_pc(pc);
    expected_ = next;
    switch (opcode) {
      case NOP:
      case PRECALL:  // binds methods for speed only: CALL handles both stack shapes
        return true;
      case COPY_FREE_VARS:
      case MAKE_CELL:
        // An inlined callee's prologue: PUSH_FRAME did it.
        if (frame_ref_ == kNoRef) return fail("a frame prologue in the loop", pc);
        return true;
      case RESUME:
        if (frame_ref_ == kNoRef) return fail("RESUME in the loop", pc);
        warm_up();
        if (oparg < 2) check_breaker_if_code_ran();
        return true;
      case RETURN_VALUE:
        if (frame_ref_ == kNoRef) return fail("the frame returned while recording", pc);
        return return_from_inlined();
      case LOAD_CLOSURE:
        push(local(oparg));
        return true;
      case GET_ITER: {
        Ref v = as_obj(pop());
        push(b_->emit(Op::OBJ_ITER, v, kNoRef, kNoRef, 0, 0, raise()));
        return true;
      }
      case BEFORE_WITH: {
        // As tier 0: __enter__ then __exit__ looked up (either raising with the manager on
        // the stack), __exit__ replaces the manager, then __enter__() runs with __exit__ on
        // the stack. The body's exceptions leave the trace at their instruction, and tier 0
        // unwinds through the `with` handler of the exception table, so only the normal
        // path (`__exit__(None, None, None)`, an ordinary CALL) is recorded.
        Ref mgr = as_obj(pop());
        Ref enter = b_->emit(Op::WITH_ENTER, mgr, kNoRef, kNoRef, 0, 0, raise());
        Ref exit = b_->emit(Op::WITH_EXIT, mgr, kNoRef, kNoRef, 0, 0, raise());
        push(exit);
        // __enter__ defined in Python runs inline in tier 0 (exceptions.inc): the trace
        // inlines it too, from the bound method made by the lookup ([NULL, method] as a
        // CALL with no arguments); its return continues after this instruction.
        PyObject* mgr_now = concrete(1);
        PyObject* enter_fn = _PyType_Lookup(Py_TYPE(mgr_now), &_Py_ID(__enter__));
        if (enter_fn != nullptr && Py_IS_TYPE(enter_fn, &PyFunction_Type)) {
          PyObject* bound = PyMethod_New(enter_fn, mgr_now);  // what the lookup will make
          if (bound == nullptr) {
            PyErr_Clear();
          } else {
            push(null_);
            push(enter);
            const bool inlined = inline_call(0, bound, /*dry_run=*/true) && inline_call(0, bound);
            Py_DECREF(bound);
            if (inlined) return true;
            pop();
            pop();
          }
        }
        const int raise_in_enter = snapshot(Snapshot::RaiseAt, op_pc_, stack_, pre_written_, false);
        Ref res = b_->emit_list(Op::OBJ_CALL, {}, enter, 0, 0, raise_in_enter);
        push(res);
        // __enter__ may have turned tracing on: leave with the instruction done.
        int after = snapshot(Snapshot::Resume, expected_, stack_, written_, false);
        b_->emit(Op::GUARD_NOT_TRACING, kNoRef, kNoRef, kNoRef, 0, 0, after);
        return true;
      }
      case MAKE_FUNCTION: {
        // Stack: [defaults] [kwdefaults] [annotations] [closure] code (flags 1, 2, 4, 8).
        std::vector<Ref> parts(5, null_);
        parts[0] = as_obj(pop());
        for (int flag = 8, slot = 1; flag >= 1; flag >>= 1, slot++) {
          if (oparg & flag) parts[slot] = as_obj(pop());
        }
        Ref fn = b_->emit_list(Op::MAKE_FUNC, parts, const_obj(frame->f_globals), 0, 0, raise());
        known_type_[fn] = &PyFunction_Type;
        push(fn);
        return true;
      }
      case LOAD_FAST: {
        if (!loaded_.count(oparg) && frame->localsplus[oparg] == nullptr) {
          return fail("unbound local", pc);
        }
        push(local(oparg));
        return true;
      }
      case STORE_FAST: {
        auto cur = loaded_.find(oparg);
        if (frame_ref_ != kNoRef && null_slots_.count(oparg)) {
          // Deferred (written_): the real slot keeps its NULL. An object is held by a
          // reference of the trace's own, released where tier 0 releases the slot's.
          Ref v = pop();
          if (type_of(v) == Type::Obj && !is_owned(v)) v = newref(v);
          if (cur != loaded_.end()) protect(cur->second);
          auto old = written_.find(oparg);
          const Ref old_v = old != written_.end() ? old->second : kNoRef;
          written_[oparg] = v;
          loaded_[oparg] = v;
          if (old_v != kNoRef && type_of(old_v) == Type::Obj) b_->emit(Op::KEEP_ALIVE, old_v);
          return true;
        }
        Ref v = as_obj(pop());
        if (cur != loaded_.end()) protect(cur->second);
        written_.erase(oparg);  // the real slot (NULL if it was deferred) takes the value
        null_slots_.erase(oparg);
        Ref old = frame_ref_ == kNoRef
                      ? b_->emit(Op::STORE_LOCAL, v, kNoRef, kNoRef, 0, oparg)
                      : b_->emit(Op::FRAME_STORE, frame_ref_, v, kNoRef, 0, oparg);
        b_->emit(Op::XDECREF, old);
        loaded_[oparg] = v;
        return true;
      }
      case LOAD_CONST: {
        auto it = consts_.find(oparg);
        Ref r = it != consts_.end() ? it->second : const_obj(PyTuple_GET_ITEM(code_->co_consts, oparg));
        consts_[oparg] = r;
        push(r);
        return true;
      }
      case POP_TOP:
        pop();
        return true;
      case PUSH_NULL:
        push(null_);
        return true;
      case COPY:
        push(peek(oparg));
        return true;
      case SWAP:
        std::swap(stack_[stack_.size() - 1], stack_[stack_.size() - oparg]);
        return true;
      case LOAD_GLOBAL:
        return load_global(oparg, pc);
      case LOAD_ATTR:
      case LOAD_METHOD:
        return load_attr(opcode == LOAD_METHOD, PyTuple_GET_ITEM(code_->co_names, oparg));
      case STORE_ATTR: {
        if (store_instance_attr(PyTuple_GET_ITEM(code_->co_names, oparg))) return true;
        Ref owner = pop();
        Ref value = as_obj(pop());
        b_->emit(Op::SETATTR, owner, value, kNoRef,
                 reinterpret_cast<int64_t>(PyTuple_GET_ITEM(code_->co_names, oparg)), 0, raise());
        return true;
      }
      case LOAD_DEREF: {
        PyObject* cell = frame->localsplus[oparg];
        if (cell == nullptr || !PyCell_Check(cell) || PyCell_GET(cell) == nullptr) {
          return fail("unbound free variable", pc);
        }
        Ref value = b_->emit(Op::CELL_GET, local(oparg));
        b_->emit(Op::GUARD_NOT_NULL, value, kNoRef, kNoRef, 0, 0, pre());
        push(value);
        return true;
      }
      case STORE_DEREF: {
        PyObject* cell = frame->localsplus[oparg];
        if (cell == nullptr || !PyCell_Check(cell)) return fail("no cell to store into", pc);
        Ref v = as_obj(pop());
        b_->emit(Op::CELL_SET, local(oparg), v);
        return true;
      }
      case FORMAT_VALUE: {
        Ref spec = (oparg & FVS_MASK) == FVS_HAVE_SPEC ? as_obj(pop()) : null_;
        Ref value = as_obj(pop());
        push(b_->emit(Op::FORMAT, value, spec, kNoRef, 0, oparg, raise()));
        return true;
      }
      case BUILD_STRING: {
        std::vector<Ref> items(oparg);
        for (int i = oparg - 1; i >= 0; i--) items[i] = as_obj(pop());
        Ref r = b_->emit_list(Op::CONCAT, items, kNoRef, 0, 0, raise());
        known_type_[r] = &PyUnicode_Type;
        push(r);
        return true;
      }
      case LOAD_NAME:
      case STORE_NAME: {
        // Module-level (and class-body) loops. Only plain dicts: their lookups run no code,
        // so a miss can exit and let tier 0 raise the NameError.
        if (frame->f_locals == nullptr || !PyDict_CheckExact(frame->f_locals) ||
            !PyDict_CheckExact(frame->f_globals) || !PyDict_CheckExact(frame->f_builtins)) {
          return fail("names in something other than plain dicts", pc);
        }
        PyObject* name = PyTuple_GET_ITEM(code_->co_names, oparg);
        // A name the loop's names dict already holds: read or replaced at its entry, the
        // dict's keys version pinning where it is (as for keyed globals).
        const int entry = keyed_entry(frame->f_locals, name);
        if (entry >= 0) {
          Ref dref = guard_keys(frame->f_locals, entry);
          if (opcode == STORE_NAME) {
            b_->emit(Op::DICT_STORE_ENTRY, dref, as_obj(pop()), kNoRef, 0, entry);
          } else {
            push(b_->emit(Op::DICT_ENTRY, dref, kNoRef, kNoRef, 0, entry));
          }
          return true;
        }
        if (opcode == STORE_NAME) {
          Ref v = as_obj(pop());
          b_->emit(Op::NAME_STORE, const_obj(frame->f_locals), v, kNoRef,
                   reinterpret_cast<int64_t>(name), 0, raise());
          return true;
        }
        Ref v = b_->emit(Op::NAME_LOAD, const_obj(frame->f_locals), const_obj(frame->f_globals),
                         const_obj(frame->f_builtins), reinterpret_cast<int64_t>(name), 0, raise());
        b_->emit(Op::GUARD_IS_NOT, v, kNoRef, kNoRef,
                 reinterpret_cast<int64_t>(exhausted_sentinel()), 0, pre());
        push(v);
        return true;
      }
      case BUILD_SLICE: {
        Ref step = oparg == 3 ? as_obj(pop()) : null_;
        Ref stop = as_obj(pop());
        Ref start = as_obj(pop());
        Ref r = b_->emit(Op::SLICE, start, stop, step, 0, 0, raise());
        known_type_[r] = &PySlice_Type;
        push(r);
        return true;
      }
      case DELETE_ATTR: {
        Ref owner = as_obj(pop());
        b_->emit(Op::DEL_ATTR, owner, kNoRef, kNoRef,
                 reinterpret_cast<int64_t>(PyTuple_GET_ITEM(code_->co_names, oparg)), 0, raise());
        return true;
      }
      case BUILD_SET:
        return build(Op::NEW_SET, oparg, &PySet_Type);
      case SET_ADD: {
        Ref v = as_obj(pop());
        b_->emit(Op::SET_INSERT, peek(oparg), v, kNoRef, 0, 0, raise());
        return true;
      }
      case IMPORT_NAME: {
        // A function-level `import`: sys.modules' entry, or the whole import machinery (any
        // code) on a first import, in the current frame as tier 0 does it.
        Ref fromlist = as_obj(pop());
        Ref level = as_obj(pop());
        push(b_->emit(Op::IMPORT_MODULE, fromlist, level, kNoRef,
                      reinterpret_cast<int64_t>(PyTuple_GET_ITEM(code_->co_names, oparg)), 0,
                      raise()));
        return true;
      }
      case IMPORT_FROM:
        push(b_->emit(Op::FROM_IMPORT, peek(1), kNoRef, kNoRef,
                      reinterpret_cast<int64_t>(PyTuple_GET_ITEM(code_->co_names, oparg)), 0,
                      raise()));
        return true;
      case DELETE_SUBSCR: {
        Ref sub = as_obj(pop());
        Ref container = as_obj(pop());
        b_->emit(Op::DELITEM, container, sub, kNoRef, 0, 0, raise());
        return true;
      }
      case BUILD_MAP: {
        std::vector<Ref> items(2 * oparg);
        for (int i = 2 * oparg - 1; i >= 0; i--) items[i] = as_obj(pop());
        Ref r = b_->emit_list(Op::NEW_DICT, items, kNoRef, 0, 0, raise());
        known_type_[r] = &PyDict_Type;
        push(r);
        return true;
      }
      case BUILD_CONST_KEY_MAP: {
        // {k0: v0, ...} with constant keys: the compiler's key tuple on top (a constant of
        // the code), the values below; as BUILD_MAP of the pairs (_PyDict_FromItems inserts
        // them in order, as BUILD_MAP does).
        PyObject* keys = concrete(1);
        if (instr(peek(1)).op != Op::CONST_OBJ || !PyTuple_CheckExact(keys) ||
            PyTuple_GET_SIZE(keys) != oparg) {
          return fail("BUILD_CONST_KEY_MAP with keys that are not a constant tuple", pc);
        }
        pop();
        std::vector<Ref> items(2 * oparg);
        for (int i = oparg - 1; i >= 0; i--) {
          items[2 * i + 1] = as_obj(pop());
          items[2 * i] = const_obj(PyTuple_GET_ITEM(keys, i));
        }
        Ref r = b_->emit_list(Op::NEW_DICT, items, kNoRef, 0, 0, raise());
        known_type_[r] = &PyDict_Type;
        push(r);
        return true;
      }
      case KW_NAMES:
        kwnames_ = PyTuple_GET_ITEM(code_->co_consts, oparg);
        kw_names_resume_ = resume_pc_;
        return true;
      case CALL:
        return call(oparg);
      case CALL_FUNCTION_EX:
        return call_ex(oparg, pc);
      case DICT_MERGE: {
        // `f(*args, **kwargs)` builds a new dict and merges kwargs into it. An empty exact
        // dict is guarded (merging it changes nothing and cannot fail).
        PyObject* update = concrete(1);
        if (!PyDict_CheckExact(update) || PyDict_GET_SIZE(update) != 0) {
          // Anything else is merged as tier 0 merges it (its duplicate-keyword and
          // not-a-mapping errors name the function below the arguments).
          Ref u = as_obj(pop());
          b_->emit(Op::MERGE_KWARGS, as_obj(peek(oparg)), u, as_obj(peek(2 + oparg)), 0, 0, raise());
          return true;
        }
        Ref u = as_obj(pop());
        guard_type(u, &PyDict_Type);
        b_->emit(Op::GUARD_DICT_EMPTY, u, kNoRef, kNoRef, 0, 0, pre());
        return true;
      }
      case BINARY_OP:
        return binary_op(oparg);
      case COMPARE_OP:
        return compare_op(oparg);
      case IS_OP: {
        Ref r = as_obj(pop());
        Ref l = as_obj(pop());
        Ref res = b_->emit(Op::IS, l, r);
        push(oparg ? b_->emit(Op::NOT_BOOL, res) : res);
        return true;
      }
      case CONTAINS_OP: {
        const int entry = keyed_item(peek(1), peek(2), concrete(1), concrete(2));
        if (entry != kNotKeyed) {
          guard_keyed_item(peek(1), concrete(1), entry);
          pop();
          pop();
          push(b_->const_bool((entry != kAbsentEntry) != (oparg != 0)));
          return true;
        }
        Ref r = as_obj(pop());
        Ref l = as_obj(pop());
        push(b_->emit(Op::CONTAINS, l, r, kNoRef, 0, oparg, raise()));
        return true;
      }
      case UNARY_NOT: {
        Ref v = pop();
        if (type_of(v) != Type::Bool) v = b_->emit(Op::TRUTH, as_obj(v), kNoRef, kNoRef, 0, 0, raise());
        push(b_->emit(Op::NOT_BOOL, v));
        return true;
      }
      case UNARY_NEGATIVE: {
        Ref v = peek(1);
        PyObject* c = concrete(1);
        Ref res;
        if ((type_of(v) == Type::I64 || fits_i64(c)) && concrete_i64(c) != INT64_MIN) {
          res = b_->emit(Op::NEG_I64_OVF, as_i64(v), kNoRef, kNoRef, 0, 0, pre());
        } else if (type_of(v) == Type::F64 || PyFloat_CheckExact(c)) {
          res = b_->emit(Op::NEG_F64, as_f64(v, c));
        } else {
          res = b_->emit(Op::UNARY, as_obj(v), kNoRef, kNoRef, 0, 0, raise());
        }
        pop();
        push(res);
        return true;
      }
      case UNARY_POSITIVE:
      case UNARY_INVERT: {
        Ref v = as_obj(pop());
        push(b_->emit(Op::UNARY, v, kNoRef, kNoRef, 0, opcode == UNARY_POSITIVE ? 1 : 2, raise()));
        return true;
      }
      case BINARY_SUBSCR:
        return subscr();
      case STORE_SUBSCR:
        return store_subscr();
      case BUILD_LIST:
        return build(Op::NEW_LIST, oparg, &PyList_Type);
      case BUILD_TUPLE:
        return build(Op::NEW_TUPLE, oparg, &PyTuple_Type);
      case LIST_APPEND: {
        Ref v = as_obj(pop());
        b_->emit(Op::APPEND, peek(oparg), v, kNoRef, 0, 0, raise());
        return true;
      }
      case MAP_ADD: {
        // A dict comprehension's `d[key] = value` (the dict is BUILD_MAP's: exact).
        Ref value = as_obj(pop());
        Ref key = as_obj(pop());
        b_->emit(Op::SETITEM, peek(oparg), key, value, 0, 0, raise());
        return true;
      }
      case LIST_EXTEND: {
        // `[*a, *b]`, `f(*a, *b)`: an exact list or tuple extends the list without running
        // code (other iterables, and tier 0's error for a non-iterable, are not recorded).
        PyObject* iterable = concrete(1);
        if (!PyList_CheckExact(iterable) && !PyTuple_CheckExact(iterable)) {
          return fail("LIST_EXTEND of something other than a list or tuple", pc);
        }
        Ref v = as_obj(pop());
        guard_type(v, Py_TYPE(iterable));
        b_->emit(Op::EXTEND_LIST, peek(oparg), v, kNoRef, 0, 0, raise());
        return true;
      }
      case LIST_TO_TUPLE: {
        Ref list = as_obj(pop());
        Ref r = b_->emit(Op::LIST_AS_TUPLE, list, kNoRef, kNoRef, 0, 0, raise());
        known_type_[r] = &PyTuple_Type;
        push(r);
        return true;
      }
      case UNPACK_SEQUENCE:
        return unpack(oparg, pc);
      case UNPACK_EX:
        return unpack_ex(oparg & 0xFF, oparg >> 8, pc);
      case FOR_ITER:
        return for_iter(next + oparg, pc);
      case JUMP_FORWARD:
        expected_ = next + oparg;
        return true;
      case POP_JUMP_FORWARD_IF_FALSE:
      case POP_JUMP_FORWARD_IF_TRUE:
        return pop_jump(opcode == POP_JUMP_FORWARD_IF_TRUE, next, next + oparg);
      case POP_JUMP_BACKWARD_IF_FALSE:
      case POP_JUMP_BACKWARD_IF_TRUE:
        return pop_jump(opcode == POP_JUMP_BACKWARD_IF_TRUE, next, next - oparg) &&
               count_backward_jump(next - oparg, pc) && check_breaker();
      case POP_JUMP_FORWARD_IF_NONE:
      case POP_JUMP_FORWARD_IF_NOT_NONE:
      case POP_JUMP_BACKWARD_IF_NONE:
      case POP_JUMP_BACKWARD_IF_NOT_NONE: {
        bool forward = opcode == POP_JUMP_FORWARD_IF_NONE || opcode == POP_JUMP_FORWARD_IF_NOT_NONE;
        bool if_none = opcode == POP_JUMP_FORWARD_IF_NONE || opcode == POP_JUMP_BACKWARD_IF_NONE;
        bool is_none = concrete(1) == Py_None;
        Ref v = as_obj(peek(1));
        b_->emit(is_none ? Op::GUARD_IS : Op::GUARD_IS_NOT, v, kNoRef, kNoRef,
                 reinterpret_cast<int64_t>(Py_None), 0, pre());
        pop();
        if (is_none == if_none) expected_ = forward ? next + oparg : next - oparg;
        return forward || (count_backward_jump(next - oparg, pc) && check_breaker());
      }
      case JUMP_IF_FALSE_OR_POP:
      case JUMP_IF_TRUE_OR_POP: {
        PyObject* c = concrete(1);
        if (c != Py_True && c != Py_False) return and_or(opcode == JUMP_IF_TRUE_OR_POP, next, next + oparg);
        Ref v = peek(1);
        if (type_of(v) == Type::Bool) {
          b_->emit(c == Py_True ? Op::GUARD_TRUE : Op::GUARD_FALSE, v, kNoRef, kNoRef, 0, 0, pre());
        } else {
          b_->emit(Op::GUARD_IS, v, kNoRef, kNoRef, reinterpret_cast<int64_t>(c), 0, pre());
        }
        bool jump = (c == Py_True) == (opcode == JUMP_IF_TRUE_OR_POP);
        if (jump) {
          expected_ = next + oparg;
        } else {
          pop();
        }
        return true;
      }
      case JUMP_BACKWARD:
        warm_up();
        if (frame_ref_ != kNoRef) return unrolled_back_edge(next - oparg, pc);
        if (next - oparg != loop_head_) return fail("an inner loop", pc);
        return close(pc);
      default: {
        const char* name = "?";
        PyObject* opname = nullptr;
        PyObject* dis = PyImport_ImportModule("opcode");
        if (dis != nullptr) opname = PyObject_GetAttrString(dis, "opname");
        PyObject* item = opname ? PySequence_GetItem(opname, opcode) : nullptr;
        std::string reason = "unsupported instruction ";
        if (item != nullptr && PyUnicode_Check(item)) name = PyUnicode_AsUTF8(item);
        reason += name;
        Py_XDECREF(item);
        Py_XDECREF(opname);
        Py_XDECREF(dis);
        PyErr_Clear();
        return fail(reason, pc);
      }
    }
  }

  // JUMP_BACKWARD of a loop inside an inlined callee (a comprehension, a helper's loop):
  // recorded as a plain jump, so the trace holds the iterations it ran, each FOR_ITER
  // guarded. A call whose loops take more than JANUS_JIT_MAX_UNROLL back-edges becomes a
  // call (blamed: not inlined from now on).
  bool unrolled_back_edge(int target, int pc) {
    if (!count_unrolled(pc)) return false;
    expected_ = target;
    return check_breaker();
  }

  // One back-edge of a loop in the current inlined frame against its unroll budget.
  bool count_unrolled(int pc) {
    const int depth = static_cast<int>(callers_.size());
    if (unrolled_depth_ < 0 || depth < unrolled_depth_) unrolled_depth_ = depth;
    if (static_cast<int>(unrolled_.size()) <= depth) unrolled_.resize(depth + 1, 0);
    if (++unrolled_[depth] > g_max_unroll) {
      return fail("a loop of more than JANUS_JIT_MAX_UNROLL iterations in an inlined call", pc);
    }
    return true;
  }

  // A conditional backward jump (a `while` loop's test at its bottom) just recorded: in an
  // inlined frame, a taken one is an unrolled back-edge too (counted once its direction is
  // known).
  bool count_backward_jump(int target, int pc) {
    if (frame_ref_ == kNoRef) return true;
    if (pending_) {
      auto resolve = std::move(pending_);
      pending_ = [this, resolve, target, pc](int offset) {
        if (!resolve(offset)) return false;
        return offset != target || count_unrolled(pc);
      };
      return true;
    }
    return expected_ != target || count_unrolled(pc);
  }

  // Backward jumps check the eval breaker in tier 0 (after the jump).
  bool check_breaker() {
    if (pending_) {
      // The direction is learned at the next instruction: check there, before it runs.
      auto resolve = std::move(pending_);
      pending_ = [this, resolve](int offset) {
        if (!resolve(offset)) return false;
        b_->emit(Op::CHECK_BREAKER, kNoRef, kNoRef, kNoRef, 0, 0, raise());
        breaker_clean_ = true;
        return true;
      };
      return true;
    }
    b_->emit(Op::CHECK_BREAKER, kNoRef, kNoRef, kNoRef, 0, 0, raise());
    breaker_clean_ = true;
    return true;
  }

  // Tier 0's RESUME and JUMP_BACKWARD advance CPython's warm-up counter of the code
  // (_PyCode_Warmup: its 8th quickens the code, which dis(adaptive=True) shows); code not
  // quickened yet gets it in the trace too. Quickened code stays so: nothing to do.
  void warm_up() {
    if (code_->co_warmup == 0) return;
    b_->emit(Op::CODE_WARMUP, const_obj(reinterpret_cast<PyObject*>(code_)));
  }

  // Tier 0's check at a function entry or after a call, where it can find something set
  // (breaker_clean_).
  void check_breaker_if_code_ran() {
    if (breaker_clean_) return;
    b_->emit(Op::CHECK_BREAKER, kNoRef, kNoRef, kNoRef, 0, 0, raise());
    breaker_clean_ = true;
  }

  // A module-level (or class-body) loop stores its names into its locals dict, for a
  // module its globals, on every iteration (the loop variable at least): that dict's
  // version changes each time, so globals read from it are guarded by its keys instead.
  void note_names_dict(_PyInterpreterFrame* root) {
    PyObject* names = root->f_locals;
    names_dict_ = !(root->f_code->co_flags & CO_OPTIMIZED) && names != nullptr &&
                          PyDict_CheckExact(names)
                      ? names
                      : nullptr;
  }

  // Where `name` is in `dict` when `dict` is the loop's names dict, a combined str-keyed
  // one whose keys version can pin it (3.11's LOAD_GLOBAL_MODULE): its entry index,
  // kAbsentEntry when the name is not there, or kNotKeyed (pinned by other means).
  static constexpr int kAbsentEntry = -1, kNotKeyed = -2;
  int keyed_entry(PyObject* dict_obj, PyObject* name) const {
    auto* dict = reinterpret_cast<PyDictObject*>(dict_obj);
    if (dict_obj != names_dict_ || dict->ma_values != nullptr || !DK_IS_UNICODE(dict->ma_keys)) {
      return kNotKeyed;
    }
    const Py_ssize_t ix = _PyDictKeys_StringLookup(dict->ma_keys, name);
    if (ix == DKIX_EMPTY) return _PyDictKeys_GetVersionForCurrentState(dict->ma_keys) ? kAbsentEntry : kNotKeyed;
    if (ix < 0 || ix > INT32_MAX || DK_UNICODE_ENTRIES(dict->ma_keys)[ix].me_value == nullptr) {
      return kNotKeyed;
    }
    // 0: the keys versions ran out.
    return _PyDictKeys_GetVersionForCurrentState(dict->ma_keys) ? static_cast<int>(ix) : kNotKeyed;
  }

  // `dict[key]` / `key in dict` for an exact, combined, str-keyed dict (or OrderedDict: the
  // same storage and lookups, its order kept aside) and a constant exact str key
  // (Module.__getattr__'s `self._parameters[name]`, an optimizer group's settings): the
  // key's entry (kAbsentEntry: not there), pinned by the dict's keys version (new keys,
  // deletions and resizes change it; values are read at run time). kNotKeyed otherwise.
  int keyed_item(Ref dict, Ref key, PyObject* dict_obj, PyObject* key_obj) const {
    if (type_of(dict) != Type::Obj || type_of(key) != Type::Obj ||
        (!PyDict_CheckExact(dict_obj) && !PyODict_CheckExact(dict_obj)) ||
        !PyUnicode_CheckExact(key_obj) || instr(key).op != Op::CONST_OBJ) {
      return kNotKeyed;
    }
    auto* d = reinterpret_cast<PyDictObject*>(dict_obj);
    if (d->ma_values != nullptr || !DK_IS_UNICODE(d->ma_keys)) return kNotKeyed;
    const Py_ssize_t ix = _PyDictKeys_StringLookup(d->ma_keys, key_obj);
    int entry;
    if (ix == DKIX_EMPTY) {
      entry = kAbsentEntry;
    } else if (ix < 0 || ix > INT32_MAX || DK_UNICODE_ENTRIES(d->ma_keys)[ix].me_value == nullptr) {
      return kNotKeyed;
    } else {
      entry = static_cast<int>(ix);
    }
    return _PyDictKeys_GetVersionForCurrentState(d->ma_keys) ? entry : kNotKeyed;  // 0: ran out
  }

  // The guards keyed_item's entry needs: `dict` is of its exact type and its keys keep their
  // version (and the entry its value).
  void guard_keyed_item(Ref dict, PyObject* dict_obj, int entry) {
    guard_type(dict, Py_TYPE(dict_obj));
    b_->emit(Op::GUARD_DICT_KEYS, dict, kNoRef, kNoRef,
             _PyDictKeys_GetVersionForCurrentState(reinterpret_cast<PyDictObject*>(dict_obj)->ma_keys),
             entry, pre());
  }

  // GUARD_DICT_KEYS: `dict` keeps its keys version and `entry` (or the name's absence).
  Ref guard_keys(PyObject* dict_obj, int entry) {
    Ref dref = const_obj(dict_obj);
    b_->emit(Op::GUARD_DICT_KEYS, dref, kNoRef, kNoRef,
             _PyDictKeys_GetVersionForCurrentState(reinterpret_cast<PyDictObject*>(dict_obj)->ma_keys),
             entry, pre());
    return dref;
  }

  // LOAD_GLOBAL from the loop's own names dict by its keys: the value is read at run time
  // (no constant: a store to that name between iterations is seen). Returns false to use
  // the dict-version pinning instead; sets *absent when the name is not there.
  bool keyed_global(PyObject* globals, PyObject* name, int oparg, bool* absent) {
    const int entry = keyed_entry(globals, name);
    *absent = entry == kAbsentEntry;
    if (entry == kNotKeyed) return false;
    Ref gref = guard_keys(globals, entry);
    if (*absent) return true;
    if (oparg & 1) push(null_);
    push(b_->emit(Op::DICT_ENTRY, gref, kNoRef, kNoRef, 0, entry));
    return true;
  }

  bool load_global(int oparg, int pc) {
    PyObject* name = PyTuple_GET_ITEM(code_->co_names, oparg >> 1);
    PyObject* globals = frame->f_globals;
    PyObject* builtins = frame->f_builtins;
    if (!PyDict_CheckExact(globals) || !PyDict_CheckExact(builtins)) {
      return fail("globals or builtins are not plain dicts", pc);
    }
    PyObject* v = PyDict_GetItemWithError(globals, name);
    bool absent = false;
    if (v != nullptr || !PyErr_Occurred()) {
      if (keyed_global(globals, name, oparg, &absent) && !absent) return true;
    }
    if (!absent) {
      b_->emit(Op::GUARD_DICT_VERSION, const_obj(globals), kNoRef, kNoRef,
               static_cast<int64_t>(reinterpret_cast<PyDictObject*>(globals)->ma_version_tag), 0,
               pre());
    }
    if (v == nullptr) {
      if (PyErr_Occurred()) {
        PyErr_Clear();
        return fail("global lookup raised", pc);
      }
      v = PyDict_GetItemWithError(builtins, name);
      if (v == nullptr) {
        PyErr_Clear();
        return fail("undefined global", pc);
      }
      Ref bref = const_obj(builtins);
      b_->emit(Op::GUARD_DICT_VERSION, bref, kNoRef, kNoRef,
               static_cast<int64_t>(reinterpret_cast<PyDictObject*>(builtins)->ma_version_tag), 0,
               pre());
    }
    if (oparg & 1) push(null_);
    push(pinned_value(v));
    return true;
  }

  bool load_attr(bool method, PyObject* name) {
    Ref owner = as_obj(peek(1));
    PyObject* o = concrete(1);
    PyTypeObject* tp = Py_TYPE(o);
    // Module attributes: the module's dict version pins the value.
    if (PyModule_CheckExact(o) && _PyType_Lookup(&PyModule_Type, name) == nullptr) {
      PyObject* dict = PyModule_GetDict(o);
      PyObject* v = dict && PyDict_CheckExact(dict) ? PyDict_GetItemWithError(dict, name) : nullptr;
      PyErr_Clear();
      if (v != nullptr) {
        b_->emit(Op::GUARD_IS, owner, kNoRef, kNoRef, reinterpret_cast<int64_t>(o), 0, pre());
        b_->emit(Op::GUARD_DICT_VERSION, const_obj(dict), kNoRef, kNoRef,
                 static_cast<int64_t>(reinterpret_cast<PyDictObject*>(dict)->ma_version_tag), 0,
                 pre());
        pop();
        if (method) push(null_);
        push(pinned_value(v));
        return true;
      }
    }
    if (instance_attr(method, name, owner, o)) return true;
    // Methods of types without an instance dict: [function, self], pinned by the type's
    // version (any change to the class or its bases changes it).
    if (method && tp->tp_dictoffset == 0 && tp->tp_getattro == PyObject_GenericGetAttr) {
      PyObject* meth = _PyType_Lookup(tp, name);
      if (meth != nullptr && PyType_HasFeature(Py_TYPE(meth), Py_TPFLAGS_METHOD_DESCRIPTOR) &&
          PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG) && tp->tp_version_tag != 0) {
        guard_type(owner, tp);
        b_->emit(Op::GUARD_TYPE_VERSION, const_obj(reinterpret_cast<PyObject*>(tp)), kNoRef,
                 kNoRef, tp->tp_version_tag, 0, pre());
        pop();
        push(pinned_value(meth));
        push(owner);
        return true;
      }
    }
    if (!method && getattr_miss(name, owner, o)) return true;
    Ref res = b_->emit(Op::GETATTR, owner, kNoRef, kNoRef, reinterpret_cast<int64_t>(name), 0,
                       raise());
    pop();
    if (method) push(null_);
    push(res);
    return true;
  }

  // LOAD_ATTR missing on an instance of a class with a Python __getattr__ (nn.Module's
  // `self.weight`): tier 0 runs __getattr__(o, name) as an inline frame (vm/getattr.h), and
  // the trace inlines that frame, the miss guarded by the type's version (no class
  // attribute `name`, the same __getattr__) and the instance dict's lack of `name`; the
  // frame is registered as tier 0 registers it (HOLD_GETATTR_FRAME), and its return lands
  // after the LOAD_ATTR.
  bool getattr_miss(PyObject* name, Ref owner, PyObject* o) {
    PyTypeObject* tp = Py_TYPE(o);
    PyObject* fn = vm::inline_getattr_function(o, name);
    if (fn == nullptr || !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) ||
        !(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) || tp->tp_version_tag == 0 ||
        _PyType_Lookup(tp, name) != nullptr) {
      return false;
    }
    // No class attribute: the lookup only reads the instance's str-keyed values or dict.
    PyObject* found = _PyObject_GenericGetAttrWithDict(o, name, nullptr, 1);
    if (found != nullptr || PyErr_Occurred()) {
      Py_XDECREF(found);
      PyErr_Clear();
      return false;  // not a miss now: the generic op
    }
    // [owner] becomes the call's [function, owner, name].
    pop();
    push(const_obj(fn));
    push(owner);
    Ref name_ref = const_obj(name);
    push(name_ref);
    if (!inline_call(1, fn, /*dry_run=*/true, /*ex_is_meth=*/true)) {
      pop();
      pop();
      pop();
      push(owner);
      return false;
    }
    guard_type_version(owner, tp);
    b_->emit(Op::GUARD_ATTR_SLOT, owner, kNoRef, kNoRef, reinterpret_cast<int64_t>(name),
             static_cast<int32_t>(rt::attr_aux(rt::kAttrAbsent, 0)), pre());
    if (!inline_call(1, fn, /*dry_run=*/false, /*ex_is_meth=*/true)) {
      return fail("internal: __getattr__ not inlined", op_pc_);
    }
    b_->emit(Op::HOLD_GETATTR_FRAME, frame_ref_, owner, name_ref);
    return true;
  }

  // The exact type and its version: everything an AttrPlan found relies on. GUARD_TYPE
  // is emitted even when the type is known (a call may have assigned __class__); the
  // guard pass drops the repeats it can prove.
  void guard_type_version(Ref owner, PyTypeObject* tp) {
    b_->emit(Op::GUARD_TYPE, owner, kNoRef, kNoRef, reinterpret_cast<int64_t>(tp), 0, pre());
    known_type_[owner] = tp;
    b_->emit(Op::GUARD_TYPE_VERSION, const_obj(reinterpret_cast<PyObject*>(tp)), kNoRef,
             kNoRef, tp->tp_version_tag, 0, pre());
  }

  // LOAD_ATTR / LOAD_METHOD on an instance (attr_site.h), or false for the other paths.
  bool instance_attr(bool method, PyObject* name, Ref owner, PyObject* o) {
    AttrPlan plan = plan_load_attr(o, name, method);
    if (plan.what == AttrPlan::kGeneric) return false;
    const int64_t imm = reinterpret_cast<int64_t>(name);
    guard_type_version(owner, Py_TYPE(o));
    if (plan.what == AttrPlan::kInstance) {
      b_->emit(Op::GUARD_ATTR_SLOT, owner, kNoRef, kNoRef, imm, plan.aux, pre());
      Ref res = b_->emit(Op::ATTR_SLOT, owner, kNoRef, kNoRef, imm, plan.aux);
      pop();
      if (method) push(null_);
      push(res);
      return true;
    }
    if (plan.guard_absent) {
      b_->emit(Op::GUARD_ATTR_SLOT, owner, kNoRef, kNoRef, imm,
               static_cast<int32_t>(rt::attr_aux(rt::kAttrAbsent, 0)), pre());
    }
    if (plan.what == AttrPlan::kBind) {
      Ref res = b_->emit(Op::DESCR_GET, owner, const_obj(plan.value), kNoRef,
                         reinterpret_cast<int64_t>(plan.value), binds_without_code(plan.value),
                         raise());
      pop();
      if (method) push(null_);
      push(res);
      return true;
    }
    pop();
    if (plan.what == AttrPlan::kMethod) {
      push(pinned_value(plan.value));
      push(owner);
    } else {
      if (method) push(null_);
      push(pinned_value(plan.value));
    }
    return true;
  }

  // STORE_ATTR into an attribute the instance already has (attr_site.h), or false.
  bool store_instance_attr(PyObject* name) {
    AttrPlan plan = plan_store_attr(concrete(1), name);
    if (plan.what != AttrPlan::kInstance) return false;
    Ref owner = as_obj(peek(1));
    const int64_t imm = reinterpret_cast<int64_t>(name);
    guard_type_version(owner, Py_TYPE(concrete(1)));
    b_->emit(Op::GUARD_ATTR_SLOT, owner, kNoRef, kNoRef, imm, plan.aux, pre());
    pop();
    Ref value = as_obj(pop());
    b_->emit(Op::SET_ATTR_SLOT, owner, value, kNoRef, imm, plan.aux, raise());
    return true;
  }

  PyObject* kwnames_ = nullptr;
  int kw_names_resume_ = 0;  // where KW_NAMES (EXTENDED_ARG included) starts

  // ---- inlined calls ------------------------------------------------------------------

  // A frame below the innermost recorded one, suspended at its CALL.
  struct CallerRec {
    PyCodeObject* code;
    _PyInterpreterFrame* frame;
    Ref frame_ref;  // kNoRef: the loop's frame
    std::map<int, Ref> loaded;
    std::map<int, Ref> consts;
    std::vector<Ref> stack;  // below the call's operands
    int return_pc;           // the instruction after its CALL
    std::map<int, Ref> written = {};  // its deferred locals (written_ while it was innermost)
    std::set<int> null_slots = {};
  };
  std::vector<CallerRec> callers_;
  Ref frame_ref_ = kNoRef;  // the innermost frame's PUSH_FRAME value; kNoRef: the loop's
  bool entering_ = false;   // a PUSH_FRAME was recorded; the callee's first instruction is next
  int max_inline_ = 0;

  static bool has_backward_jump(PyCodeObject* code) {
    const _Py_CODEUNIT* instrs = _PyCode_CODE(code);
    const Py_ssize_t n = Py_SIZE(code);
    for (Py_ssize_t i = 0; i < n; i += 1 + _PyOpcode_Caches[base_opcode(_Py_OPCODE(instrs[i]))]) {
      switch (base_opcode(_Py_OPCODE(instrs[i]))) {
        case JUMP_BACKWARD:
        case JUMP_BACKWARD_NO_INTERRUPT:
        case POP_JUMP_BACKWARD_IF_FALSE:
        case POP_JUMP_BACKWARD_IF_TRUE:
        case POP_JUMP_BACKWARD_IF_NONE:
        case POP_JUMP_BACKWARD_IF_NOT_NONE:
          return true;
        default:
          break;
      }
    }
    return false;
  }

  // A call of a Python function tier 0 runs inline, with positional arguments (defaults
  // allowed): the trace pushes a real frame for it (guarded on the function's identity and
  // func_version, which __code__ / __defaults__ assignments change) and records its body.
  // False (nothing emitted) leaves it one OBJ_CALL: keywords, *args/**kwargs parameters,
  // generators and coroutines, code tier 0 hands to CPython, recursion, callees holding a
  // loop, and calls deeper than JANUS_JIT_MAX_INLINE.
  // `callable` (CALL_FUNCTION_EX, whose arguments call_ex has unpacked onto the stack): the
  // concrete callable, a function or a bound method. `dry_run`: only whether it would.
  // callable_ex: the function (or bound method) to call when the stack's callable slot is
  // not a value tier 0 holds (CALL_FUNCTION_EX, BEFORE_WITH, a __getattr__ miss);
  // ex_is_meth: that stack is [function, self, args] (self counts as an argument).
  bool inline_call(int oparg, PyObject* callable_ex = nullptr, bool dry_run = false, bool ex_is_meth = false) {
    if (static_cast<int>(callers_.size()) >= max_inline_) return false;
    bool is_meth = callable_ex == nullptr ? peek(oparg + 2) != null_ : ex_is_meth;
    // A bound method object (`f = o.m; f()`, `self.forward(...)` loaded by LOAD_ATTR): tier
    // 0's PRECALL puts its function and self in the two slots and runs the call inline; the
    // trace does the same from the method object. (The CALL is recorded with its PRECALL,
    // before it runs: the concrete stack still holds the method object.)
    PyObject* fn = callable_ex != nullptr ? callable_ex : concrete(is_meth ? oparg + 2 : oparg + 1);
    const bool bound_method = !is_meth && Py_IS_TYPE(fn, &PyMethod_Type);
    // A bound method in the method slot (a `with` block's __exit__(None, None, None)):
    // tier 0 calls its function with self prepended (calls.inc); one argument more.
    const bool slot_method = is_meth && Py_IS_TYPE(fn, &PyMethod_Type);
    if (slot_method && (kwnames_ != nullptr || oparg + 1 >= 16)) return false;
    if (bound_method || slot_method) fn = reinterpret_cast<PyMethodObject*>(fn)->im_func;
    // An instance whose type defines __call__ in Python (`model(x)`): tier 0 runs
    // type(obj).__call__(obj, *args) inline, holding the tp_call slot's recursion level
    // (vm/type_call.h); the trace guards the type and its version (which pins __call__).
    PyTypeObject* call_type = nullptr;
    if (!is_meth && !bound_method && callable_ex == nullptr) {
      if (PyObject* call = vm::call_slot_function(Py_TYPE(fn))) {
        call_type = Py_TYPE(fn);
        if (!(call_type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) return false;
        fn = call;
      }
    }
    if (!PyFunction_Check(fn) || Py_TYPE(fn) != &PyFunction_Type) return false;
    auto* func = reinterpret_cast<PyFunctionObject*>(fn);
    auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
    const int nargs = oparg + (is_meth || bound_method || call_type != nullptr ? 1 : 0) + (slot_method ? 1 : 0);
    // The arguments bind as tier 0's push_simple_call binds them (one CallPlan): positional
    // ones, KW_NAMES keywords, *args, **kwargs, defaults and keyword-only defaults.
    const bool varargs = code->co_flags & CO_VARARGS;
    const bool varkw = code->co_flags & CO_VARKEYWORDS;
    if (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE)) {
      return false;
    }
    // The type-call slot runs __call__ without keywords in tier 0 (calls.inc).
    if (kwnames_ != nullptr && call_type != nullptr) return false;
    vm::CallPlan plan;
    if (!vm::plan_call(func, nargs, kwnames_, &plan)) return false;
    if (code == code_ || g_not_inlined.count(code) != 0) return false;
    for (const CallerRec& c : callers_) {
      if (c.code == code) return false;
    }
    if (!vm::runs_inline_while_recording(_PyThreadState_GET(), code) ||
        (g_max_unroll == 0 && has_backward_jump(code))) {
      return false;
    }
    uint32_t version = func->func_version;
    if (version == 0) version = _PyFunction_GetVersionForCurrentState(func);
    if (version == 0) return false;
    if (dry_run) return true;

    if (bound_method) {
      // [NULL, method, args] becomes [function, self, args], as PRECALL makes it.
      Ref method = as_obj(peek(oparg + 1));
      guard_type(method, &PyMethod_Type);
      Ref im_func = b_->emit(Op::LOAD_FIELD, method, kNoRef, kNoRef, 0,
                             offsetof(PyMethodObject, im_func));
      Ref im_self = b_->emit(Op::LOAD_FIELD, method, kNoRef, kNoRef, 0,
                             offsetof(PyMethodObject, im_self));
      stack_[stack_.size() - (oparg + 2)] = im_func;
      stack_[stack_.size() - (oparg + 1)] = im_self;
      is_meth = true;
    } else if (slot_method) {
      // [method, args] becomes [function, self, args].
      Ref method = as_obj(peek(oparg + 2));
      guard_type(method, &PyMethod_Type);
      Ref im_func = b_->emit(Op::LOAD_FIELD, method, kNoRef, kNoRef, 0, offsetof(PyMethodObject, im_func));
      Ref im_self = b_->emit(Op::LOAD_FIELD, method, kNoRef, kNoRef, 0, offsetof(PyMethodObject, im_self));
      stack_[stack_.size() - (oparg + 2)] = im_func;
      stack_.insert(stack_.end() - (oparg + 1), im_self);
      oparg += 1;
    } else if (call_type != nullptr) {
      // [NULL, obj, args] becomes [__call__, obj, args], as the slot calls it.
      guard_type_version(as_obj(peek(oparg + 1)), call_type);
      stack_[stack_.size() - (oparg + 2)] = const_obj(fn);
      is_meth = true;
    }
    // The function's version identifies it (versions are never reused, and a function
    // object made later at the same address has none or another): the trace keeps no
    // reference to it, so a closure made per call does not outlive its last use.
    Ref fref = as_obj(peek(is_meth ? oparg + 2 : oparg + 1));
    guard_type(fref, &PyFunction_Type);
    // A function the trace made itself (a comprehension's, a closure per call) is a new
    // object with no version each time, but its globals and closure are the recorded
    // frame's: its __code__ (and no defaults, which PUSH_FRAME bakes in) pins the rest.
    if (made_by_trace(fref)) {
      b_->emit(Op::GUARD_FUNC_CODE, fref, kNoRef, kNoRef, reinterpret_cast<int64_t>(code), 0, pre());
    } else {
      b_->emit(Op::GUARD_FUNC_VERSION, fref, kNoRef, kNoRef, version, 0, pre());
    }
    // Keyword-only defaults are read from __kwdefaults__ at record time: the function's
    // version pins which dict that is (assigning __kwdefaults__ resets it), the dict's
    // version tag that it still holds the same values.
    if (plan.uses_kwdefaults) {
      b_->emit(Op::GUARD_DICT_VERSION, const_obj(func->func_kwdefaults), kNoRef, kNoRef,
               static_cast<int64_t>(reinterpret_cast<PyDictObject*>(func->func_kwdefaults)->ma_version_tag),
               0, pre());
    }
    auto arg = [&](int i) { return as_obj(peek(nargs - i)); };  // argument i of nargs
    std::vector<Ref> params(plan.nparams, kNoRef);
    for (int i = 0; i < plan.positional; i++) params[i] = arg(i);
    for (int i = plan.positional; i < plan.nparams; i++) {
      if (plan.fill[i] != nullptr) params[i] = const_obj(plan.fill[i]);
    }
    std::vector<Ref> kw_items;  // what **kwargs collects: name, value pairs
    for (int k = 0; k < plan.nkw; k++) {
      Ref value = arg(plan.npos + k);
      if (plan.kw_slot[k] >= 0) {
        params[plan.kw_slot[k]] = value;
      } else {
        kw_items.push_back(const_obj(PyTuple_GET_ITEM(kwnames_, k)));
        kw_items.push_back(value);
      }
    }
    if (varargs) {
      std::vector<Ref> extra;  // what *args collects
      for (int i = plan.positional; i < plan.npos; i++) extra.push_back(arg(i));
      Ref tuple = b_->emit_list(Op::NEW_TUPLE, extra, kNoRef, 0, 0, raise());
      known_type_[tuple] = &PyTuple_Type;
      params.push_back(tuple);
    }
    if (varkw) {
      Ref dict = b_->emit_list(Op::NEW_DICT, kw_items, kNoRef, 0, 0, raise());
      known_type_[dict] = &PyDict_Type;
      params.push_back(dict);
    }
    kwnames_ = nullptr;
    const int return_pc = expected_;
    // Library code runs in tier 0 only for calls a trace inlines: this one.
    vm::allow_library_call();
    Ref fr = b_->emit_list(Op::PUSH_FRAME, params, fref, return_pc - 1, call_type != nullptr ? 1 : 0,
                           raise());
    for (int i = 0; i < oparg + 2; i++) pop();
    callers_.push_back({code_, frame, frame_ref_, std::move(loaded_), std::move(consts_),
                        std::move(stack_), return_pc, std::move(written_), std::move(null_slots_)});
    code_ = code;
    frame_ref_ = fr;
    written_.clear();
    null_slots_.clear();
    for (int i = static_cast<int>(params.size()); i < code->co_nlocalsplus; i++) {
      if (_PyLocals_GetKind(code->co_localspluskinds, i) == CO_FAST_LOCAL) null_slots_.insert(i);
    }
    if (static_cast<int>(unrolled_.size()) > static_cast<int>(callers_.size())) {
      unrolled_[callers_.size()] = 0;  // a new frame at this depth: its own loops' budget
    }
    loaded_.clear();
    consts_.clear();
    stack_.clear();
    // The parameters' values are known (cells hold them instead: those slots are loaded).
    // A reference the caller's stack held moved into the frame (tier 0's call moves it):
    // the callee uses the value borrowed, as any local, and the trace's own reference ends
    // at the PUSH_FRAME (sys.getrefcount in the callee sees tier 0's count): a constant's
    // alias is the constant (the frame keeps it alive while the slot holds it), anything
    // else is read back from its slot. Values borrowed already are used as they are.
    for (int i = 0; i < static_cast<int>(params.size()); i++) {
      if (_PyLocals_GetKind(code->co_localspluskinds, i) & CO_FAST_CELL) continue;
      Ref p = params[i];
      if (p != kNoRef && instr(p).op == Op::NEWREF && instr(instr(p).a).op == Op::CONST_OBJ) {
        p = instr(p).a;
      }
      if (p != kNoRef && is_owned(p)) {
        Ref slot = b_->emit(Op::FRAME_LOAD, fr, kNoRef, kNoRef, 0, i);
        for (auto* known : {&as_i64_, &as_f64_}) {
          auto it = known->find(p);
          if (it != known->end()) (*known)[slot] = it->second;
        }
        auto t = known_type_.find(p);
        if (t != known_type_.end()) known_type_[slot] = t->second;
        p = slot;
      }
      loaded_[i] = p;
    }
    entering_ = true;
    expected_ = -1;
    return true;
  }

  // Whether `fn` is this trace's MAKE_FUNC result with no defaults (the only assignable
  // function attributes besides __code__ that PUSH_FRAME depends on).
  bool made_by_trace(Ref fn) const {
    const Instr& make = instr(fn);
    if (make.op != Op::MAKE_FUNC) return false;
    return trace_->lists[make.list_start + 3] == null_ && trace_->lists[make.list_start + 4] == null_;
  }

  // RETURN_VALUE of an inlined callee: its frame is popped; the value (a reference of its
  // own, as tier 0 moves it) goes on the caller's stack, which continues after its CALL.
  bool return_from_inlined() {
    Ref rv = as_obj(pop());
    if (!is_owned(rv)) rv = newref(rv);
    if (!stack_.empty()) return fail("a value stack left at a return", op_pc_);
    b_->emit(Op::POP_FRAME, frame_ref_);
    // The frame's deferred objects are released as its slots would be (after the ones
    // POP_FRAME releases: finalizers of a frame's locals may run in another order).
    for (const auto& [slot, v] : written_) {
      if (type_of(v) == Type::Obj) b_->emit(Op::KEEP_ALIVE, v);
    }
    // A side trace's entry frame returned (a failure past here blames the callee's code).
    const int popped_depth = static_cast<int>(callers_.size());
    if (popped_depth <= live_entry_frames_) live_entry_frames_ = popped_depth - 1;
    if (popped_depth == unrolled_depth_) unrolled_depth_ = -1;
    CallerRec c = std::move(callers_.back());
    callers_.pop_back();
    code_ = c.code;
    frame = c.frame;
    frame_ref_ = c.frame_ref;
    loaded_ = std::move(c.loaded);
    consts_ = std::move(c.consts);
    stack_ = std::move(c.stack);
    written_ = std::move(c.written);  // the callee's deferred locals went with its frame
    null_slots_ = std::move(c.null_slots);
    expected_ = c.return_pc;
    push(rv);
    // Tier 0 hands the caller to CPython's evaluator if tracing was turned on.
    int after_return = snapshot(Snapshot::Resume, expected_, stack_, written_, false);
    b_->emit(Op::GUARD_NOT_TRACING, kNoRef, kNoRef, kNoRef, 0, 0, after_return);
    return true;
  }

  // CALL_FUNCTION_EX with an exact tuple and an exact dict (or none): tier 0's
  // PyObject_Call, as one op (the callee runs in tier 0). Other argument types take tier
  // 0's conversions and errors: not recorded.
  bool call_ex(int oparg, int pc) {
    const bool has_kwargs = (oparg & 1) != 0;
    PyObject* kwargs = has_kwargs ? concrete(1) : nullptr;
    PyObject* args = concrete(has_kwargs ? 2 : 1);
    // f(*a_list): tier 0 makes the tuple with PySequence_Tuple (an exact list: a copy).
    const bool list_args = PyList_CheckExact(args);
    if ((!PyTuple_CheckExact(args) && !list_args) || (kwargs != nullptr && !PyDict_CheckExact(kwargs))) {
      return fail("CALL_FUNCTION_EX with arguments other than a tuple or list and a dict", pc);
    }
    PyTypeObject* args_type = Py_TYPE(args);
    // f(*args) / o.m(*args, **{}) of a Python function: tier 0 runs it inline (calls.inc),
    // and so does the trace, with the tuple's length and the dict's emptiness guarded and
    // the items as the call's arguments.
    PyObject* callable = concrete(has_kwargs ? 3 : 2);
    const int n = static_cast<int>(Py_SIZE(args));
    if ((kwargs == nullptr || PyDict_GET_SIZE(kwargs) == 0) &&
        n + (Py_IS_TYPE(callable, &PyMethod_Type) ? 1 : 0) <= 16 &&
        inline_call(n, callable, /*dry_run=*/true)) {
      if (has_kwargs) {
        Ref kw = as_obj(pop());
        guard_type(kw, &PyDict_Type);
        b_->emit(Op::GUARD_DICT_EMPTY, kw, kNoRef, kNoRef, 0, 0, pre());
      }
      Ref tuple = as_obj(pop());
      guard_type(tuple, args_type);
      b_->emit(Op::GUARD_LEN, tuple, kNoRef, kNoRef, n, 0, pre());
      for (int i = 0; i < n; i++) push(b_->emit(Op::SEQ_ITEM, tuple, b_->const_i64(i)));
      if (!inline_call(n, callable)) return fail("internal: CALL_FUNCTION_EX not inlined", pc);
      return true;
    }
    Ref kw = has_kwargs ? as_obj(pop()) : null_;
    Ref tuple = as_obj(pop());
    if (has_kwargs) guard_type(kw, &PyDict_Type);
    guard_type(tuple, args_type);
    if (list_args) {
      tuple = b_->emit(Op::LIST_AS_TUPLE, tuple, kNoRef, kNoRef, 0, 0, raise());
      known_type_[tuple] = &PyTuple_Type;
    }
    // The operands hold a reference each during the call, as on tier 0's stack.
    auto held = [&](Ref r) { return is_owned(r) ? r : newref(r); };
    if (has_kwargs) kw = held(kw);
    tuple = held(tuple);
    Ref func = held(as_obj(peek(1)));
    Ref res = b_->emit(Op::CALL_EX, func, tuple, kw, 0, 0, raise());
    pop();  // the function
    pop();  // the NULL below it
    push(res);
    // As after CALL: the eval breaker, and tracing turned on by the call.
    check_breaker_if_code_ran();
    int after_call = snapshot(Snapshot::Resume, expected_, stack_, written_, false);
    b_->emit(Op::GUARD_NOT_TRACING, kNoRef, kNoRef, kNoRef, 0, 0, after_call);
    return true;
  }

  // The object a value is whatever the trace runs: a constant (co_consts), or one pinned
  // by a version guard (a global, a module or class attribute: NEWREF of a CONST_OBJ,
  // loaded while the guard held and kept alive by that reference). nullptr otherwise.
  PyObject* constant_object(Ref r) const {
    if (type_of(r) != Type::Obj) return nullptr;
    if (instr(r).op == Op::NEWREF) r = instr(r).a;
    if (instr(r).op != Op::CONST_OBJ) return nullptr;
    return reinterpret_cast<PyObject*>(instr(r).imm);
  }

  // `math.sqrt(x)` and the other functions of jit/math_table.def on a float or an int64
  // int: computed on the unboxed double (MATH_F64), with the argument and the result
  // guarded finite (any other case exits before the call: tier 0 makes it and raises
  // CPython's error). The callee is pinned (a constant or a version-guarded global or
  // module attribute) or guarded to be a math builtin of the same PyMethodDef. No eval
  // breaker check follows: a libm call runs no Python code and cannot start tracing, and
  // a signal that arrives during it is handled at the trace's next check, as if it had
  // arrived just after.
  bool call_math(int oparg) {
    if (oparg != 1 || kwnames_ != nullptr || peek(3) != null_) return false;
    PyObject* fn = concrete(2);
    const int index = math_index(fn);
    if (index < 0) return false;
    Ref arg = peek(1);
    PyObject* value = concrete(1);
    double x;
    if (type_of(arg) == Type::F64 || PyFloat_CheckExact(value)) {
      x = PyFloat_AsDouble(value);
    } else if (type_of(arg) == Type::I64 || fits_i64(value)) {
      x = static_cast<double>(concrete_i64(value));
    } else {
      return false;  // a float subclass, __float__, a huge int, a bool: the C function does it
    }
    // Outside the domain now: the trace would exit here every time.
    const double r = math_function(index)(x);
    if (!std::isfinite(x) || !std::isfinite(r)) return false;
    Ref callee = as_obj(peek(2));
    if (constant_object(callee) != fn) {
      guard_type(callee, &PyCFunction_Type);
      b_->emit(Op::GUARD_CFUNC_DEF, callee, kNoRef, kNoRef,
               reinterpret_cast<int64_t>(reinterpret_cast<PyCFunctionObject*>(fn)->m_ml), 0,
               pre());
    }
    Ref in = as_f64(arg, value);
    b_->emit(Op::GUARD_FINITE_F64, in, kNoRef, kNoRef, 0, 0, pre());
    Ref out = b_->emit(Op::MATH_F64, in, kNoRef, kNoRef, 0, index);
    b_->emit(Op::GUARD_FINITE_F64, out, kNoRef, kNoRef, 0, 0, pre());
    for (int i = 0; i < 3; i++) pop();
    push(out);
    return true;
  }

  // A call CALL_C can make directly (a builtin function or bound builtin method, or a
  // method descriptor called through LOAD_METHOD, whose METH_* flags vectorcall dispatches
  // on and whose argument count fits them), with the guards that pin it emitted; `self` is
  // what CALL_C passes as list[0] (kNoRef: the first of the call's operands, a method
  // descriptor's receiver). False: an OBJ_CALL (the C code's own checks and errors run).
  // Builtin-function values whose PyMethodDef a guard has checked, and their m_self.
  std::unordered_map<Ref, std::pair<PyMethodDef*, Ref>> cfunc_self_;
  struct DirectC {
    PyMethodDef* def = nullptr;
    rt::CKind kind = rt::kCNoArgs;
    Ref self = kNoRef;
    PyObject* self_obj = nullptr;  // what the C function gets as self now
  };
  static bool c_kind(int flags, int nargs, rt::CKind* kind) {
    switch (flags & ~(METH_COEXIST | METH_STATIC | METH_CLASS)) {
      case METH_NOARGS: *kind = rt::kCNoArgs; return nargs == 0;
      case METH_O: *kind = rt::kCOne; return nargs == 1;
      case METH_FASTCALL: *kind = rt::kCFast; return true;
      case METH_FASTCALL | METH_KEYWORDS: *kind = rt::kCFastKw; return true;
      default: return false;  // METH_VARARGS (tp_call), METH_METHOD (defining class)
    }
  }
  bool direct_c(int oparg, bool is_meth, Ref callable, DirectC* out) {
    if (kwnames_ != nullptr) return false;
    PyObject* fn = concrete(is_meth ? oparg + 2 : oparg + 1);
    PyObject* pinned = constant_object(callable);
    if (!is_meth && Py_IS_TYPE(fn, &PyCFunction_Type)) {
      // cfunction_vectorcall_*: ml_meth(PyCFunction_GET_SELF(fn), ...).
      auto* f = reinterpret_cast<PyCFunctionObject*>(fn);
      if (!c_kind(f->m_ml->ml_flags, oparg, &out->kind)) return false;
      out->def = f->m_ml;
      out->self_obj = f->m_self;
      const bool no_self = (f->m_ml->ml_flags & METH_STATIC) || f->m_self == nullptr;
      if (pinned == fn) {
        // m_self of a pinned function is fixed; it lives as long as the function, which
        // the call's operand holds: a constant the trace takes no reference to.
        out->self = no_self ? null_
                            : b_->emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef,
                                       reinterpret_cast<int64_t>(f->m_self));
        return true;
      }
      if (no_self) return false;  // another function of this def may have one
      // m_ml and m_self never change: one guard and one load per value serve every call of
      // it in the trace (a bound method kept in a local and called twice).
      auto known = cfunc_self_.find(callable);
      if (known != cfunc_self_.end() && known->second.first == f->m_ml) {
        out->self = known->second.second;
        return true;
      }
      guard_type(callable, &PyCFunction_Type);
      b_->emit(Op::GUARD_CFUNC_DEF, callable, kNoRef, kNoRef, reinterpret_cast<int64_t>(f->m_ml),
               0, pre());
      out->self = b_->emit(Op::LOAD_FIELD, callable, kNoRef, kNoRef, 0,
                           offsetof(PyCFunctionObject, m_self));
      cfunc_self_[callable] = {f->m_ml, out->self};
      return true;
    }
    if (is_meth && Py_IS_TYPE(fn, &PyMethodDescr_Type) && pinned == fn) {
      // method_vectorcall_*: the receiver must be an instance of the descriptor's class
      // (guarded by its exact type), then ml_meth(self, ...).
      auto* d = reinterpret_cast<PyMethodDescrObject*>(fn);
      PyObject* self = concrete(oparg + 1);
      if (!c_kind(d->d_method->ml_flags, oparg, &out->kind) ||
          (d->d_method->ml_flags & (METH_STATIC | METH_CLASS)) ||
          !PyObject_TypeCheck(self, d->d_common.d_type)) {
        return false;
      }
      guard_type(as_obj(peek(oparg + 1)), Py_TYPE(self));
      out->def = d->d_method;
      out->self_obj = self;
      out->self = kNoRef;
      return true;
    }
    return false;
  }

  bool call(int oparg) {
    if (inline_call(oparg)) return true;
    if (call_math(oparg)) return true;
    bool is_meth = peek(oparg + 2) != null_;
    Ref callable = is_meth ? peek(oparg + 2) : peek(oparg + 1);
    // Arguments hold a reference each, as on tier 0's stack (sys.getrefcount sees it).
    auto held = [&](Ref r) { return is_owned(r) ? r : newref(r); };
    callable = as_obj(callable);
    DirectC direct;
    const bool is_direct = direct_c(oparg, is_meth, callable, &direct);
    callable = held(callable);
    std::vector<Ref> args;
    if (is_direct && direct.self != kNoRef) args.push_back(direct.self);
    int total = oparg + (is_meth ? 1 : 0);
    for (int i = total; i >= 1; i--) args.push_back(held(as_obj(peek(i))));
    // Tier 0's specialized PRECALL forms that call without a recursion level (3.11's):
    // the trace takes none either, so RecursionError comes at the same depth.
    int64_t kind = direct.kind;
    if (op_pc_ >= 2) {
      switch (_Py_OPCODE(_PyCode_CODE(code_)[op_pc_ - 2])) {
        case PRECALL_NO_KW_LEN:
        case PRECALL_NO_KW_ISINSTANCE:
        case PRECALL_NO_KW_LIST_APPEND:
        case PRECALL_NO_KW_BUILTIN_FAST:
        case PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST:
          kind |= rt::kCNoLevel;
          break;
        default:
          break;
      }
    }
    const bool no_code = is_direct && runs_no_python_code(direct.def, direct.self_obj);
    if (no_code) kind |= rt::kCNoCode;
    Ref res = is_direct
                  ? b_->emit_list(Op::CALL_C, args, callable,
                                  reinterpret_cast<int64_t>(direct.def), kind, raise())
                  : b_->emit_list(Op::OBJ_CALL, args, callable,
                                  reinterpret_cast<int64_t>(kwnames_), 0, raise());
    kwnames_ = nullptr;
    for (int i = 0; i < oparg + 2; i++) pop();
    push(res);
    // Tier 0 checks the eval breaker after every call: a signal handler (or the
    // KeyboardInterrupt it raises) runs at the same point of the iteration. A builtin that
    // runs no code sets nothing and cannot turn tracing on.
    if (no_code) return true;
    check_breaker_if_code_ran();
    // A call that turned tracing on: leave with the call done (tier 0, resumed after it,
    // hands the frame to CPython's evaluator as it would have).
    int after_call = snapshot(Snapshot::Resume, expected_, stack_, written_, false);
    b_->emit(Op::GUARD_NOT_TRACING, kNoRef, kNoRef, kNoRef, 0, 0, after_call);
    return true;
  }

  bool binary_op(int oparg) {
    Ref l = peek(2), r = peek(1);
    PyObject* lc = concrete(2);
    PyObject* rc = concrete(1);
    int op = oparg >= NB_INPLACE_ADD ? oparg - NB_INPLACE_ADD : oparg;
    bool li = type_of(l) == Type::I64 || fits_i64(lc);
    bool ri = type_of(r) == Type::I64 || fits_i64(rc);
    bool lf = type_of(l) == Type::F64 || PyFloat_CheckExact(lc);
    bool rf = type_of(r) == Type::F64 || PyFloat_CheckExact(rc);
    Ref res = kNoRef;
    // The concrete operands (they fit int64 when li/ri): an operation that overflows now
    // takes the generic path (an int64 op would exit on every iteration), and an I64 value
    // always stands for a concrete int that fits.
    int64_t x = 0, y = 0, out;
    if (li && ri) {
      x = concrete_i64(lc);
      y = concrete_i64(rc);
    }
    if (li && ri) {
      switch (op) {
        case NB_ADD:
          if (__builtin_add_overflow(x, y, &out)) break;
          res = b_->emit(Op::ADD_I64_OVF, as_i64(l), as_i64(r), kNoRef, 0, 0, pre());
          break;
        case NB_SUBTRACT:
          if (__builtin_sub_overflow(x, y, &out)) break;
          res = b_->emit(Op::SUB_I64_OVF, as_i64(l), as_i64(r), kNoRef, 0, 0, pre());
          break;
        case NB_MULTIPLY:
          if (__builtin_mul_overflow(x, y, &out)) break;
          res = b_->emit(Op::MUL_I64_OVF, as_i64(l), as_i64(r), kNoRef, 0, 0, pre());
          break;
        case NB_AND: res = b_->emit(Op::AND_I64, as_i64(l), as_i64(r)); break;
        case NB_OR: res = b_->emit(Op::OR_I64, as_i64(l), as_i64(r)); break;
        case NB_XOR: res = b_->emit(Op::XOR_I64, as_i64(l), as_i64(r)); break;
        case NB_FLOOR_DIVIDE:
        case NB_REMAINDER: {
          if (y <= 0) break;  // zero and negative divisors: the generic helper
          Ref x = as_i64(l), y = as_i64(r);
          Ref positive = b_->emit(Op::CMP_I64, y, b_->const_i64(0), kNoRef, 0, Py_GT);
          b_->emit(Op::GUARD_TRUE, positive, kNoRef, kNoRef, 0, 0, pre());
          res = b_->emit(op == NB_FLOOR_DIVIDE ? Op::FLOORDIV_I64 : Op::MOD_I64, x, y);
          break;
        }
        default: break;
      }
    } else if ((li || lf) && (ri || rf)) {
      Op fop = op == NB_ADD ? Op::ADD_F64 : op == NB_SUBTRACT ? Op::SUB_F64
             : op == NB_MULTIPLY ? Op::MUL_F64 : op == NB_TRUE_DIVIDE ? Op::DIV_F64 : Op::LOOP;
      if (fop != Op::LOOP) {
        Ref x = as_f64(l, lc), y = as_f64(r, rc);
        if (fop == Op::DIV_F64) b_->emit(Op::GUARD_NONZERO_F64, y, kNoRef, kNoRef, 0, 0, pre());
        res = b_->emit(fop, x, y);
      }
    }
    if (res == kNoRef) {
      res = b_->emit(Op::OBJ_BINARY, as_obj(l), as_obj(r), kNoRef, 0, oparg, raise());
    }
    pop();
    pop();
    push(res);
    return true;
  }

  // An int constant a double holds exactly (|v| <= 2^53): a float compared with it compares
  // as the two doubles do (float_richcompare's own answer; NaN included).
  bool exact_double_int(Ref r) const {
    PyObject* k = constant_object(r);
    if (k == nullptr || !PyLong_CheckExact(k)) return false;
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(k, &overflow);
    if (v == -1 && PyErr_Occurred()) PyErr_Clear();
    return overflow == 0 && v <= (1LL << 53) && v >= -(1LL << 53);
  }

  bool compare_op(int oparg) {
    Ref l = peek(2), r = peek(1);
    PyObject* lc = concrete(2);
    PyObject* rc = concrete(1);
    bool li = type_of(l) == Type::I64 || fits_i64(lc);
    bool ri = type_of(r) == Type::I64 || fits_i64(rc);
    bool lf = type_of(l) == Type::F64 || PyFloat_CheckExact(lc);
    bool rf = type_of(r) == Type::F64 || PyFloat_CheckExact(rc);
    Ref res;
    if (li && ri) {
      res = b_->emit(Op::CMP_I64, as_i64(l), as_i64(r), kNoRef, 0, oparg);
    } else if ((lf && rf) || (lf && exact_double_int(r)) || (rf && exact_double_int(l))) {
      res = b_->emit(Op::CMP_F64, as_f64(l, lc), as_f64(r, rc), kNoRef, 0, oparg);
    } else {
      res = b_->emit(Op::COMPARE, as_obj(l), as_obj(r), kNoRef, 0, oparg, raise());
    }
    pop();
    pop();
    push(res);
    return true;
  }

  bool pop_jump(bool sense, int next, int target) {
    Ref v = peek(1);
    PyObject* c = concrete(1);
    if (type_of(v) == Type::Bool || c == Py_True || c == Py_False) {
      bool truth = c == Py_True;
      if (type_of(v) == Type::Bool) {
        b_->emit(truth ? Op::GUARD_TRUE : Op::GUARD_FALSE, v, kNoRef, kNoRef, 0, 0, pre());
      } else {
        b_->emit(Op::GUARD_IS, v, kNoRef, kNoRef, reinterpret_cast<int64_t>(c), 0, pre());
      }
      pop();
      expected_ = truth == sense ? target : next;
      return true;
    }
    // Any other object: its truth may run code (__bool__, __len__), so it is computed once
    // in the trace and the direction taken is learned from where tier 0 goes next.
    Ref truth = b_->emit(Op::TRUTH, as_obj(v), kNoRef, kNoRef, 0, 0, raise());
    pop();
    int pc = op_pc_;
    std::vector<Ref> after = stack_;
    std::map<int, Ref> written = written_;
    expected_ = -1;
    pending_ = [this, truth, sense, next, target, pc, after, written](int offset) {
      if (offset != next && offset != target) return fail("unexpected branch target", offset);
      bool jumped = offset == target;
      bool observed = jumped ? sense : !sense;
      int other = jumped ? next : target;
      int exit = snapshot(Snapshot::Resume, other, after, written, false);
      b_->set_pc(pc);
      b_->emit(observed ? Op::GUARD_TRUE : Op::GUARD_FALSE, truth, kNoRef, kNoRef, 0, 0, exit);
      expected_ = offset;
      return true;
    };
    return true;
  }

  // JUMP_IF_TRUE_OR_POP (sense) / JUMP_IF_FALSE_OR_POP of any other object (`x or y`):
  // its truth is computed once in the trace (it may run __bool__ / __len__), and the
  // direction is learned from where tier 0 goes next, as pop_jump does: jumping keeps the
  // value on the stack, falling through pops it.
  bool and_or(bool sense, int next, int target) {
    Ref v = as_obj(pop());
    Ref truth = b_->emit(Op::TRUTH, v, kNoRef, kNoRef, 0, 0, raise());
    std::vector<Ref> popped = stack_;
    push(v);
    std::vector<Ref> kept = stack_;
    int pc = op_pc_;
    std::map<int, Ref> written = written_;
    expected_ = -1;
    pending_ = [this, truth, sense, next, target, pc, popped, kept, written](int offset) {
      if (offset != next && offset != target) return fail("unexpected branch target", offset);
      const bool jumped = offset == target;
      const bool observed = jumped ? sense : !sense;
      int exit = jumped ? snapshot(Snapshot::Resume, next, popped, written, false)
                        : snapshot(Snapshot::Resume, target, kept, written, false);
      b_->set_pc(pc);
      b_->emit(observed ? Op::GUARD_TRUE : Op::GUARD_FALSE, truth, kNoRef, kNoRef, 0, 0, exit);
      if (!jumped) pop();
      expected_ = offset;
      return true;
    };
    return true;
  }

  bool for_iter(int target, int pc) {
    Ref it = peek(1);
    PyObject* c = concrete(1);
    PyTypeObject* tp = Py_TYPE(c);
    if (tp == &PyListIter_Type || (tp == &PyRangeIter_Type && range_iter_layout_ok())) {
      bool is_range = tp == &PyRangeIter_Type;
      if (!rt::GUARD_ITER_NOT_DONE(reinterpret_cast<uint64_t>(c), 0, 0, 0, is_range)) {
        if (frame_ref_ == kNoRef) return fail(kLoopEndedWhileRecording, pc);
        return loop_exhausted(it, target);
      }
      guard_type(it, tp);
      b_->emit(Op::GUARD_ITER_NOT_DONE, it, kNoRef, kNoRef, 0, is_range, pre());
      Ref item = b_->emit(is_range ? Op::RANGE_ITER_NEXT : Op::LIST_ITER_NEXT, it);
      push(item);
      return true;
    }
    Ref item = b_->emit(Op::ITER_NEXT, it, kNoRef, kNoRef,
                        reinterpret_cast<int64_t>(exhausted_sentinel()), 0, raise());
    std::vector<Ref> after(stack_.begin(), stack_.end() - 1);
    int exit = snapshot(Snapshot::Resume, target, after, written_, false);
    Ref guard = b_->emit(Op::GUARD_IS_NOT, item, kNoRef, kNoRef,
                         reinterpret_cast<int64_t>(exhausted_sentinel()), 0, exit);
    push(item);
    int next = expected_;
    // Inside an inlined callee the loop's end is recorded too (unrolling): then the guard
    // turns into "exhausted", leaving with the item for the body when there is one.
    const bool inner = frame_ref_ != kNoRef;
    std::vector<Ref> with_item = stack_;
    int more = inner ? snapshot(Snapshot::Resume, next, with_item, written_, false) : -1;
    expected_ = -1;
    // A generator tier 0 resumes inline (vm FOR_ITER) that returns brings this FOR_ITER
    // back, which then finds it exhausted and jumps: the end of the loop too.
    const bool generator = PyGen_CheckExact(c);
    pending_ = [this, next, target, inner, guard, more, generator, pc](int offset) {
      const bool ended = offset == target || (generator && offset == pc);
      if (ended && inner) {
        Instr& g = trace_->ops[guard];
        g.op = Op::GUARD_IS;
        g.exit = more;
        pop();  // the sentinel
        pop();  // the iterator (tier 0 releases it)
        expected_ = target;
        // FOR_ITER running again after the generator's return: the trace's next() saw
        // the end already.
        if (offset != target) skip_offset_ = offset;
        return true;  // step() now records the instruction at `target`
      }
      if (ended) return fail(kLoopEndedWhileRecording, offset);
      expected_ = next;
      return true;
    };
    return true;
  }

  // A list or range iterator inside an inlined callee ran out: next() gives the sentinel
  // (tier 0's FOR_ITER calls the same tp_iternext, which drops a list iterator's list), and
  // the guard leaves with the item for the body when a later run has one more.
  bool loop_exhausted(Ref it, int target) {
    Ref item = b_->emit(Op::ITER_NEXT, it, kNoRef, kNoRef,
                        reinterpret_cast<int64_t>(exhausted_sentinel()), 0, raise());
    std::vector<Ref> with_item = stack_;
    with_item.push_back(item);
    int more = snapshot(Snapshot::Resume, expected_, with_item, written_, false);
    b_->emit(Op::GUARD_IS, item, kNoRef, kNoRef, reinterpret_cast<int64_t>(exhausted_sentinel()),
             0, more);
    pop();  // the iterator
    expected_ = target;
    return true;
  }

  bool subscr() {
    Ref container = peek(2), sub = peek(1);
    PyObject* cc = concrete(2);
    PyObject* sc = concrete(1);
    Ref res;
    if ((PyList_CheckExact(cc) || PyTuple_CheckExact(cc)) && type_of(container) == Type::Obj &&
        (type_of(sub) == Type::I64 || fits_i64(sc))) {
      guard_type(container, Py_TYPE(cc));
      Ref i = as_i64(sub);
      b_->emit(Op::GUARD_INDEX, container, i, kNoRef, 0, 0, pre());
      res = b_->emit(Op::SEQ_ITEM, container, i);
    } else if (int entry = keyed_item(container, sub, cc, sc); entry >= 0) {
      guard_keyed_item(container, cc, entry);
      res = b_->emit(Op::DICT_ENTRY, container, kNoRef, kNoRef, 0, entry);
    } else {
      res = b_->emit(Op::GETITEM, as_obj(container), as_obj(sub), kNoRef, 0, 0, raise());
    }
    pop();
    pop();
    push(res);
    return true;
  }

  bool store_subscr() {
    Ref sub = peek(1), container = peek(2), value = peek(3);
    PyObject* cc = concrete(2);
    PyObject* sc = concrete(1);
    if (PyList_CheckExact(cc) && type_of(container) == Type::Obj &&
        (type_of(sub) == Type::I64 || fits_i64(sc))) {
      guard_type(container, &PyList_Type);
      Ref i = as_i64(sub);
      b_->emit(Op::GUARD_INDEX, container, i, kNoRef, 0, 0, pre());
      b_->emit(Op::LIST_STORE, container, i, as_obj(value));
    } else {
      b_->emit(Op::SETITEM, as_obj(container), as_obj(sub), as_obj(value), 0, 0, raise());
    }
    pop();
    pop();
    pop();
    return true;
  }

  bool unpack(int n, int pc) {
    Ref seq = peek(1);
    PyObject* c = concrete(1);
    if (!(PyTuple_CheckExact(c) || PyList_CheckExact(c)) || Py_SIZE(c) != n ||
        type_of(seq) != Type::Obj) {
      return fail("unpacking something other than a list or tuple of the right length", pc);
    }
    guard_type(seq, Py_TYPE(c));
    b_->emit(Op::GUARD_LEN, seq, kNoRef, kNoRef, n, 0, pre());
    pop();
    for (int i = n - 1; i >= 0; i--) push(b_->emit(Op::SEQ_ITEM, seq, b_->const_i64(i)));
    return true;
  }

  // BUILD_LIST / BUILD_TUPLE / BUILD_SET: the top n values (boxed), in order, into a new
  // container of `type` made by `op`.
  bool build(Op op, int n, PyTypeObject* type) {
    std::vector<Ref> items(n);
    for (int i = n - 1; i >= 0; i--) items[i] = as_obj(pop());
    Ref r = b_->emit_list(op, items, kNoRef, 0, 0, raise());
    known_type_[r] = type;
    push(r);
    return true;
  }

  // UNPACK_EX (`a, *rest, z = seq`) of an exact list or tuple: its length guarded, the
  // fixed items read, the starred ones a new list, pushed as tier 0 leaves them (the first
  // item on top).
  bool unpack_ex(int before, int after, int pc) {
    Ref seq = peek(1);
    PyObject* c = concrete(1);
    if (!(PyTuple_CheckExact(c) || PyList_CheckExact(c)) || Py_SIZE(c) < before + after ||
        type_of(seq) != Type::Obj) {
      return fail("star-unpacking something other than a list or tuple long enough", pc);
    }
    const int n = static_cast<int>(Py_SIZE(c));
    guard_type(seq, Py_TYPE(c));
    b_->emit(Op::GUARD_LEN, seq, kNoRef, kNoRef, n, 0, pre());
    pop();
    for (int i = n - 1; i >= n - after; i--) push(b_->emit(Op::SEQ_ITEM, seq, b_->const_i64(i)));
    std::vector<Ref> middle;
    for (int i = before; i < n - after; i++) middle.push_back(b_->emit(Op::SEQ_ITEM, seq, b_->const_i64(i)));
    Ref rest = b_->emit_list(Op::NEW_LIST, middle, kNoRef, 0, 0, raise());
    known_type_[rest] = &PyList_Type;
    push(rest);
    for (int i = before - 1; i >= 0; i--) push(b_->emit(Op::SEQ_ITEM, seq, b_->const_i64(i)));
    return true;
  }

  // The back-edge: locals are already in the frame; LOOP polls the eval breaker.
  // A side trace ends at the loop head with the loop head's stack depth (SIDE_END: the
  // parent trace goes on from there); a loop trace with the very stack it entered with.
  bool close(int pc) {
    const bool side = trace_->side;
    if (side ? static_cast<int>(stack_.size()) != loop_stack_depth_ : stack_ != entry_stack_) {
      return fail("the value stack differs across an iteration", pc);
    }
    int exit = snapshot(Snapshot::Resume, loop_head_, stack_, {}, false);
    b_->emit(side ? Op::SIDE_END : Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, exit);
    active = false;
    vm::allow_library_call(false);
    result_.trace = std::move(trace_);
    b_.reset();
    return false;
  }
};

Recorder g_recorder;

}  // namespace

void set_max_unroll(int back_edges) { g_max_unroll = back_edges < 0 ? 0 : back_edges; }

void start_recording(_PyInterpreterFrame* frame, int loop_head, int stack_depth, int max_length,
                     int max_inline) {
  g_recorder.start(frame, loop_head, stack_depth, max_length, max_inline);
}

void start_side_recording(const std::vector<_PyInterpreterFrame*>& frames, int loop_head, int pc,
                          const Trace& parent, int exit, int max_length, int max_inline) {
  g_recorder.start_side(frames, loop_head, pc, parent, exit, max_length, max_inline);
}

bool is_recording() { return g_recorder.active; }
_PyInterpreterFrame* recording_frame() {
  return g_recorder.active ? g_recorder.loop_frame() : nullptr;
}

bool record_instruction(_PyInterpreterFrame* frame, int offset, PyObject** stack_pointer) {
  if (!g_recorder.active) return false;
  return g_recorder.step_in(frame, offset, stack_pointer);
}

void abort_recording(const std::string& reason) { g_recorder.abort(reason); }

RecordResult take_result() { return g_recorder.take(); }

}  // namespace janus::jit
