// Inline fast paths of runtime helpers (ir.def allows a backend to inline a Call op when it
// reproduces the helper exactly): each reads the same CPython object fields as its helper
// in jit/runtime.cpp and falls back to calling it where the fast path does not apply.
#include "jit/backend_x64_lowering.h"
#include "vm/vm.h"

#include <internal/pycore_pymem.h>  // _Py_tracemalloc_config

namespace janus::jit::x64 {

using namespace asmjit;

// Ints of up to two 30-bit digits (|value| < 2**60: counters, indices, running sums) are
// read inline; any other int goes through the helper, so the result is always the
// helper's. CPython 3.11: ob_size is the digit count with the value's sign.
constexpr int32_t kLongSize = offsetof(PyVarObject, ob_size);
constexpr int32_t kLongDigit0 = offsetof(PyLongObject, ob_digit);
constexpr int32_t kLongDigit1 = kLongDigit0 + sizeof(digit);
static_assert(sizeof(digit) == 4 && PyLong_SHIFT == 30, "CPython 3.11 ints: 30-bit digits");

// GUARD_INT64: an exact int (type check inline) of at most two digits passes at once.
void TraceLowering::lower_guard_int64(Ref ref, const Instr& in) {
  roll(in);
  x86::Gp a = gp(in.a);
  x86::Gp size = new_gp(TypeId::kInt64);
  Label pass = cc_.newLabel();
  Label slow = cc_.newLabel();
  cmp_imm(x86::qword_ptr(a, offsetof(PyObject, ob_type)), reinterpret_cast<intptr_t>(&PyLong_Type));
  cc_.jne(stub(in.exit));
  cc_.mov(size, x86::qword_ptr(a, kLongSize));
  cc_.add(size, 2);
  cc_.cmp(size, 4);
  cc_.ja(slow);  // unsigned: size + 2 outside [0, 4]
  cc_.jmp(pass);
  cc_.bind(slow);
  after_call(ref, in, invoke_helper(in));
  cc_.bind(pass);
}

// UNBOX_INT (after GUARD_INT64): sign(size) * (digit[0] | digit[1] << 30) for sizes -2..2
// (digits past |size| are not read), else the helper.
void TraceLowering::lower_unbox_int(Ref ref, const Instr& in) {
  x86::Gp a = gp(in.a);
  x86::Gp out = gp(ref);
  x86::Gp size = new_gp(TypeId::kInt64);
  x86::Gp biased = new_gp(TypeId::kInt64);
  x86::Gp high = new_gp(TypeId::kUInt64);
  Label slow = cc_.newLabel();
  Label negate = cc_.newLabel();
  Label done = cc_.newLabel();
  cc_.mov(size, x86::qword_ptr(a, kLongSize));
  cc_.mov(biased, size);
  cc_.add(biased, 2);
  cc_.cmp(biased, 4);
  cc_.ja(slow);
  cc_.xor_(out, out);
  cc_.test(size, size);
  cc_.jz(done);                                        // 0
  cc_.mov(out.r32(), x86::dword_ptr(a, kLongDigit0));  // zero-extends
  cc_.cmp(size, 1);
  cc_.je(done);
  cc_.cmp(size, -1);
  cc_.je(negate);
  cc_.mov(high.r32(), x86::dword_ptr(a, kLongDigit1));  // two digits
  cc_.shl(high, PyLong_SHIFT);
  cc_.or_(out, high);
  cc_.test(size, size);
  cc_.jns(done);
  cc_.bind(negate);
  cc_.neg(out);
  cc_.jmp(done);
  cc_.bind(slow);
  after_call(ref, in, invoke_helper(in));
  cc_.bind(done);
}

// ---- iterators (RangeIterLayout / ListIterLayout of jit/cpython.h) ---------------------

// GUARD_ITER_NOT_DONE: range: index < len; list: it_seq != NULL && it_index < len(it_seq).
void TraceLowering::lower_guard_iter_not_done(const Instr& in) {
  roll(in);
  x86::Gp it = gp(in.a);
  x86::Gp index = new_gp(TypeId::kInt64);
  if (in.aux == 1) {
    cc_.mov(index, x86::qword_ptr(it, offsetof(RangeIterLayout, index)));
    cc_.cmp(index, x86::qword_ptr(it, offsetof(RangeIterLayout, len)));
    cc_.jge(stub(in.exit));
    return;
  }
  x86::Gp seq = new_gp();
  cc_.mov(seq, x86::qword_ptr(it, offsetof(ListIterLayout, it_seq)));
  cc_.test(seq, seq);
  cc_.jz(stub(in.exit));
  cc_.mov(index, x86::qword_ptr(it, offsetof(ListIterLayout, it_index)));
  cc_.cmp(index, x86::qword_ptr(seq, offsetof(PyVarObject, ob_size)));
  cc_.jge(stub(in.exit));
}

// RANGE_ITER_NEXT: start + index++ * step, wrapping as the helper's unsigned arithmetic.
void TraceLowering::lower_range_iter_next(Ref ref, const Instr& in) {
  set_frame_instr(in);  // the helper call's protocol, kept for exactness (kEffect)
  x86::Gp it = gp(in.a);
  x86::Gp out = gp(ref);
  cc_.mov(out, x86::qword_ptr(it, offsetof(RangeIterLayout, index)));
  cc_.imul(out, x86::qword_ptr(it, offsetof(RangeIterLayout, step)));
  cc_.add(out, x86::qword_ptr(it, offsetof(RangeIterLayout, start)));
  cc_.add(x86::qword_ptr(it, offsetof(RangeIterLayout, index)), 1);
}

// LIST_ITER_NEXT: a new reference to it_seq->ob_item[it_index++].
void TraceLowering::lower_list_iter_next(Ref ref, const Instr& in) {
  set_frame_instr(in);
  x86::Gp it = gp(in.a);
  x86::Gp out = gp(ref);
  x86::Gp index = new_gp(TypeId::kInt64);
  x86::Gp items = new_gp();
  cc_.mov(items, x86::qword_ptr(it, offsetof(ListIterLayout, it_seq)));
  cc_.mov(items, x86::qword_ptr(items, offsetof(PyListObject, ob_item)));
  cc_.mov(index, x86::qword_ptr(it, offsetof(ListIterLayout, it_index)));
  cc_.mov(out, x86::qword_ptr(items, index, 3));
  cc_.add(index, 1);
  cc_.mov(x86::qword_ptr(it, offsetof(ListIterLayout, it_index)), index);
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
}

// ---- lists and tuples -------------------------------------------------------------------

// GUARD_LEN: Py_SIZE(a) == imm.
void TraceLowering::lower_guard_len(const Instr& in) {
  roll(in);
  cmp_imm(x86::qword_ptr(gp(in.a), offsetof(PyVarObject, ob_size)), in.imm);
  cc_.jne(stub(in.exit));
}

// GUARD_INDEX: -Py_SIZE(a) <= b < Py_SIZE(a).
void TraceLowering::lower_guard_index(const Instr& in) {
  roll(in);
  x86::Gp size = new_gp(TypeId::kInt64);
  x86::Gp index = gp(in.b);
  cc_.mov(size, x86::qword_ptr(gp(in.a), offsetof(PyVarObject, ob_size)));
  cc_.cmp(index, size);
  cc_.jge(stub(in.exit));
  cc_.neg(size);
  cc_.cmp(index, size);
  cc_.jl(stub(in.exit));
}

// SEQ_ITEM: a new reference to item b (negative counts from the end) of a list (any list
// subclass, as PyList_Check) or else a tuple.
void TraceLowering::lower_seq_item(Ref ref, const Instr& in) {
  x86::Gp seq = gp(in.a);
  x86::Gp out = gp(ref);
  x86::Gp index = new_gp(TypeId::kInt64);
  x86::Gp type = new_gp();
  Label nonnegative = cc_.newLabel();
  Label tuple = cc_.newLabel();
  Label done = cc_.newLabel();
  cc_.mov(index, gp(in.b));
  cc_.test(index, index);
  cc_.jns(nonnegative);
  cc_.add(index, x86::qword_ptr(seq, offsetof(PyVarObject, ob_size)));
  cc_.bind(nonnegative);
  cc_.mov(type, x86::qword_ptr(seq, offsetof(PyObject, ob_type)));
  cc_.test(x86::qword_ptr(type, offsetof(PyTypeObject, tp_flags)), Py_TPFLAGS_LIST_SUBCLASS);
  cc_.jz(tuple);
  cc_.mov(out, x86::qword_ptr(seq, offsetof(PyListObject, ob_item)));
  cc_.mov(out, x86::qword_ptr(out, index, 3));
  cc_.jmp(done);
  cc_.bind(tuple);
  cc_.mov(out, x86::qword_ptr(seq, index, 3, offsetof(PyTupleObject, ob_item)));
  cc_.bind(done);
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
}

// ---- dict entries read by their keys' version (runtime_attr.cpp: GUARD_DICT_KEYS, DICT_ENTRY)

// The me_value slot of unicode entry `index` of the keys object in `keys`: the entries
// follow dk_indices, whose size is 1 << dk_log2_index_bytes (DK_UNICODE_ENTRIES). The
// keys' version pins which keys object it is (a version is given to one keys object
// once, and any change of its keys resets it), hence its kind: str keys, 16-byte entries.
x86::Mem TraceLowering::unicode_entry_value(const x86::Gp& keys, int32_t index) {
  x86::Gp shift = new_gp(TypeId::kUInt64);
  x86::Gp entries = new_gp(TypeId::kUInt64);
  cc_.movzx(shift.r32(), x86::byte_ptr(keys, offsetof(PyDictKeysObject, dk_log2_index_bytes)));
  cc_.xor_(entries, entries);
  cc_.bts(entries, shift);  // 1 << log2_index_bytes
  cc_.add(entries, keys);
  return x86::qword_ptr(entries, int32_t(offsetof(PyDictKeysObject, dk_indices) +
                                         int64_t{index} * int64_t{sizeof(PyDictUnicodeEntry)} +
                                         offsetof(PyDictUnicodeEntry, me_value)));
}

// GUARD_DICT_KEYS: ma_keys->dk_version == imm and, for aux >= 0, entry aux has a value.
void TraceLowering::lower_guard_dict_keys(const Instr& in) {
  roll(in);
  x86::Gp keys = new_gp();
  cc_.mov(keys, x86::qword_ptr(gp(in.a), offsetof(PyDictObject, ma_keys)));
  cc_.cmp(x86::dword_ptr(keys, offsetof(PyDictKeysObject, dk_version)),
          imm(static_cast<uint32_t>(in.imm)));
  cc_.jne(stub(in.exit));
  if (in.aux >= 0) {
    cc_.cmp(unicode_entry_value(keys, in.aux), 0);
    cc_.je(stub(in.exit));
  }
}

// DICT_ENTRY (after GUARD_DICT_KEYS): a new reference to entry aux's value.
void TraceLowering::lower_dict_entry(Ref ref, const Instr& in) {
  x86::Gp keys = new_gp();
  x86::Gp out = gp(ref);
  cc_.mov(keys, x86::qword_ptr(gp(in.a), offsetof(PyDictObject, ma_keys)));
  cc_.mov(out, unicode_entry_value(keys, in.aux));
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
}

}  // namespace janus::jit::x64

// ---- inlined calls' frames, cells and fields (helpers in jit/runtime_frame.cpp, runtime.cpp)

namespace janus::jit::x64 {

using namespace asmjit;

// GUARD_FUNC_VERSION: the 32-bit func_version compared with the low 32 bits of imm.
void TraceLowering::lower_guard_func_version(const Instr& in) {
  roll(in);
  cc_.cmp(x86::dword_ptr(gp(in.a), offsetof(PyFunctionObject, func_version)),
          imm(static_cast<uint32_t>(in.imm)));
  cc_.jne(stub(in.exit));
}

// FRAME_STORE: the helper's protocol first (kEffect: the frame's instruction is set, so a
// finalizer run by the XDECREF of the old value that follows sees tier 0's line), then
// Py_INCREF(b), swap into localsplus[aux], the old value (maybe NULL) as the result.
void TraceLowering::lower_frame_store(Ref ref, const Instr& in) {
  set_frame_instr(in);
  x86::Gp b = gp(in.b);
  const x86::Mem slot = x86::qword_ptr(
      gp(in.a), int32_t(offsetof(_PyInterpreterFrame, localsplus) + int64_t{in.aux} * 8));
  cc_.add(x86::qword_ptr(b, offsetof(PyObject, ob_refcnt)), 1);
  if (store_old_[ref] == kSlotNull) {
    cc_.xor_(gp(ref), gp(ref));  // a local the trace knows is still unbound
  } else {
    cc_.mov(gp(ref), slot);
  }
  cc_.mov(slot, b);
}

// CELL_GET: Py_XNewRef(PyCell_GET(a)) (an empty cell gives NULL, which the recorder tests).
void TraceLowering::lower_cell_get(Ref ref, const Instr& in) {
  x86::Gp out = gp(ref);
  Label done = cc_.newLabel();
  cc_.mov(out, x86::qword_ptr(gp(in.a), offsetof(PyCellObject, ob_ref)));
  cc_.test(out, out);
  cc_.jz(done);
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
  cc_.bind(done);
}

// LOAD_FIELD: Py_NewRef(*(PyObject**)((char*)a + aux)) (never NULL: ir.def).
void TraceLowering::lower_load_field(Ref ref, const Instr& in) {
  x86::Gp out = gp(ref);
  cc_.mov(out, x86::qword_ptr(gp(in.a), int32_t(in.aux)));
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
}

}  // namespace janus::jit::x64

// ---- PUSH_FRAME / POP_FRAME of a function the trace knows (runtime_frame.cpp's helpers) ----

namespace janus::jit::x64 {

using namespace asmjit;

// Py_DECREF / Py_XDECREF of the object in `o` (3.11: no immortal objects).
void emit_decref(x86::Compiler& cc, const x86::Gp& o, bool maybe_null) {
  Label done = cc.newLabel();
  if (maybe_null) {
    cc.test(o, o);
    cc.jz(done);
  }
  cc.sub(x86::qword_ptr(o, offsetof(PyObject, ob_refcnt)), 1);
  cc.jnz(done);
  InvokeNode* call;
  cc.invoke(&call, imm(reinterpret_cast<void*>(&_Py_Dealloc)),
            FuncSignatureT<void, void*>(CallConvId::kHost));
  call->setArg(0, o);
  cc.bind(done);
}

namespace {

constexpr int32_t kFrameLocal0 = offsetof(_PyInterpreterFrame, localsplus);


}  // namespace

// The code a frame value (a PUSH_FRAME result, or a side trace's ENTRY_PTR of one) runs, as
// the trace's own records say: the function of its PUSH_FRAME when that is a constant (the
// recorder's pinned methods and globals) whose version a GUARD_FUNC_VERSION before the push
// checks, else the code a snapshot taken inside that frame names (its innermost frame, a
// FramePtr entry at that depth). A hint only: the machine code compares it with the
// function's (push) or frame's (pop) actual code and calls the helper when they differ.
PyCodeObject* TraceLowering::frame_code_hint(Ref frame) const {
  const Instr& push = op(frame);
  if (push.op == Op::PUSH_FRAME) {
    auto constant = [&](Ref r) {
      while (op(r).op == Op::NEWREF) r = op(r).a;
      return op(r).op == Op::CONST_OBJ ? reinterpret_cast<PyObject*>(op(r).imm) : nullptr;
    };
    PyObject* func = constant(push.a);
    if (func != nullptr && PyFunction_Check(func)) {
      const uint32_t version = reinterpret_cast<PyFunctionObject*>(func)->func_version;
      for (Ref r = frame; r-- > 0;) {
        const Instr& g = op(r);
        if (g.op == Op::GUARD_FUNC_VERSION && constant(g.a) == func &&
            static_cast<uint32_t>(g.imm) == version && version != 0) {
          return reinterpret_cast<PyCodeObject*>(reinterpret_cast<PyFunctionObject*>(func)->func_code);
        }
      }
    }
  }
  for (const Snapshot& snap : trace_.snapshots) {
    if (snap.code == nullptr) continue;
    const auto depth = static_cast<int32_t>(snap.callers.size());
    for (const SnapEntry& e : snap.entries) {
      if (e.kind == SnapEntry::FramePtr && e.ref == frame && e.index == depth) {
        return static_cast<PyCodeObject*>(snap.code);
      }
    }
  }
  return nullptr;
}

// Whether the frame value `frame` surely runs frame_code_hint(frame): a PUSH_FRAME of a
// constant function whose GUARD_FUNC_VERSION of that version is adjacent (nothing between
// may run code: runs_no_code). The version pins func_code (assigning __code__ resets it),
// so the inline push and the helper both build the frame for that code, and a frame's
// f_code never changes: its code and instructions are immediates, not checked or loaded.
bool TraceLowering::frame_code_certain(Ref frame) const {
  const Instr& push = op(frame);
  if (push.op != Op::PUSH_FRAME) return false;
  auto constant = [&](Ref r) {
    while (op(r).op == Op::NEWREF) r = op(r).a;
    return op(r).op == Op::CONST_OBJ ? reinterpret_cast<PyObject*>(op(r).imm) : nullptr;
  };
  PyObject* func = constant(push.a);
  if (func == nullptr || !PyFunction_Check(func)) return false;
  const uint32_t version = reinterpret_cast<PyFunctionObject*>(func)->func_version;
  if (version == 0) return false;
  for (Ref r = frame; r-- > 0;) {
    const Instr& g = op(r);
    if (g.dead) continue;
    if (g.op == Op::GUARD_FUNC_VERSION && constant(g.a) == func &&
        static_cast<uint32_t>(g.imm) == version) {
      return frame_code_hint(frame) ==
             reinterpret_cast<PyCodeObject*>(reinterpret_cast<PyFunctionObject*>(func)->func_code);
    }
    if (!runs_no_code(g.op)) return false;
  }
  return false;
}

// The code PUSH_FRAME `push` builds its frame for, when the frame needs nothing but its
// arguments and its closure's cells: no cell variables (MAKE_CELL allocates), not a
// tp_call-slot frame (aux 0), object arguments only. nullptr otherwise: the helper builds
// the frame.
PyCodeObject* TraceLowering::known_frame_code(Ref push) const {
  const Instr& in = op(push);
  if (in.op != Op::PUSH_FRAME || in.aux != 0) return nullptr;
  PyCodeObject* code = frame_code_hint(push);
  if (code == nullptr || code->co_ncellvars != 0 ||
      in.list_count > code->co_nlocalsplus - code->co_nfreevars) {
    return nullptr;
  }
  for (int i = 0; i < in.list_count; i++) {
    if (type_of(trace_.lists[in.list_start + i]) != Type::Obj) return nullptr;
  }
  return code;
}

// frame_slots: the frames this trace pushes start with their arguments in the first slots
// and NULL in the other plain locals (cells and free variables get objects); afterwards only
// the trace's FRAME_STOREs (STORE_FAST: plain locals only) write them, as nothing else
// writes an executing frame's fast locals.
void TraceLowering::compute_frame_slots() {
  const Ref n = static_cast<Ref>(trace_.ops.size());
  store_old_.assign(n, kSlotUnknown);
  // Frame value -> the slots the trace stored since the push (or, for a frame it did not
  // push, a side trace's entry frame, since its start: its other slots are unknown).
  std::map<Ref, std::map<int32_t, Ref>> frames;
  // Two ENTRY_PTRs of one entry slot are one frame.
  auto key = [&](Ref frame) { return op(frame).op == Op::ENTRY_PTR ? -16 - op(frame).aux : frame; };
  for (Ref r = 0; r < n; r++) {
    const Instr& in = op(r);
    if (in.dead) continue;
    if (in.op == Op::PUSH_FRAME) {
      frames[r].clear();
    } else if (in.op == Op::FRAME_STORE) {
      std::map<int32_t, Ref>& slots = frames[key(in.a)];
      auto it = slots.find(in.aux);
      const Instr& push = op(in.a);
      if (it != slots.end()) {
        store_old_[r] = it->second;
      } else if (push.op == Op::PUSH_FRAME) {
        store_old_[r] = in.aux < push.list_count ? trace_.lists[push.list_start + in.aux]
                                                 : kSlotNull;
      }
      slots[in.aux] = in.b;
    } else if (in.op == Op::POP_FRAME) {
      auto f = frames.find(key(in.a));
      pop_slots_[r] = f != frames.end() ? std::move(f->second) : std::map<int32_t, Ref>{};
      if (f != frames.end()) frames.erase(f);
    }
  }
}

// Slot `slot` of the frame `push` made for `code`, as the push left it: an argument, NULL
// for a plain local, unknown for a cell or free variable.
Ref TraceLowering::slot_at_push(Ref push, int32_t slot, PyCodeObject* code) const {
  const Instr& in = op(push);
  if (in.op != Op::PUSH_FRAME) return kSlotUnknown;  // pushed before the trace started
  const _PyLocals_Kind kind = _PyLocals_GetKind(code->co_localspluskinds, slot);
  if (kind & (CO_FAST_CELL | CO_FAST_FREE)) return kSlotUnknown;
  return slot < in.list_count ? trace_.lists[in.list_start + slot] : kSlotNull;
}

// Whether the frame POP_FRAME `pop` releases may hold a tp_call-slot level or a
// __getattr__ registration (vm::release_call_slot_level gives them back): a frame this
// trace pushed without a level (aux 0) holds one only if a HOLD_GETATTR_FRAME of the trace
// registered it; any other frame (a side trace's entry frame) may.
bool TraceLowering::may_hold_call_registrations(Ref pop, Ref frame) const {
  const Instr& push = op(frame);
  if (push.op != Op::PUSH_FRAME || push.aux != 0) return true;
  for (Ref r = frame + 1; r < pop; r++) {
    if (!op(r).dead && op(r).op == Op::HOLD_GETATTR_FRAME && op(r).a == frame) return true;
  }
  return false;
}

// PUSH_FRAME of a known code: what the helper does for it, inline. The function's code is
// checked (unless frame_code_certain), then the recursion limit and the data stack's room;
// any of them failing calls the helper (out of line) with the state untouched (it raises
// RecursionError, or grows the data stack).
void TraceLowering::lower_push_frame(Ref ref, const Instr& in) {
  PyCodeObject* code = known_frame_code(ref);
  if (code == nullptr) return lower_callv(ref, in);
  const int nlocalsplus = code->co_nlocalsplus;
  const int64_t size_bytes =
      static_cast<int64_t>(nlocalsplus + code->co_stacksize + FRAME_SPECIALS_SIZE) * 8;
  x86::Gp func = gp(in.a);
  x86::Gp frame = gp(ref);
  x86::Gp tstate = new_gp();
  x86::Gp t = new_gp();
  Label slow = cc_.newLabel(), undo = cc_.newLabel(), done = cc_.newLabel();
  const x86::Mem remaining = x86::dword_ptr(tstate, offsetof(PyThreadState, recursion_remaining));
  if (!frame_code_certain(ref)) {
    cc_.mov(t, imm(reinterpret_cast<intptr_t>(code)));
    cc_.cmp(x86::qword_ptr(func, offsetof(PyFunctionObject, func_code)), t);
    cc_.jne(slow);
  }
  cc_.mov(tstate, tstate_slot_);
  // _Py_EnterRecursiveCallTstate: at the limit, the helper raises.
  cc_.cmp(remaining, 0);
  cc_.jle(slow);
  cc_.sub(remaining, 1);
  // _PyThreadState_BumpFramePointer's fast case, _PyThreadState_HasStackSpace: top not
  // NULL and size < limit - top, i.e. top + size < limit (unsigned): top and limit are
  // NULL together (its assertion), and then top + size >= limit, so one compare decides.
  cc_.mov(frame, x86::qword_ptr(tstate, offsetof(PyThreadState, datastack_top)));
  cc_.lea(t, x86::qword_ptr(frame, int32_t(size_bytes)));
  cc_.cmp(t, x86::qword_ptr(tstate, offsetof(PyThreadState, datastack_limit)));
  cc_.jae(undo);
  cc_.mov(x86::qword_ptr(tstate, offsetof(PyThreadState, datastack_top)), t);
  // _PyFrame_InitializeSpecials(frame, func, NULL, nlocalsplus).
  cc_.add(x86::qword_ptr(func, offsetof(PyObject, ob_refcnt)), 1);
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_func)), func);
  cc_.mov(t, imm(reinterpret_cast<intptr_t>(code)));
  cc_.add(x86::qword_ptr(t, offsetof(PyObject, ob_refcnt)), 1);
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)), t);
  cc_.mov(t, x86::qword_ptr(func, offsetof(PyFunctionObject, func_builtins)));
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_builtins)), t);
  cc_.mov(t, x86::qword_ptr(func, offsetof(PyFunctionObject, func_globals)));
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_globals)), t);
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_locals)), 0);
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, frame_obj)), 0);
  // stacktop = nlocalsplus (an empty value stack), is_entry = false, owner = thread: one
  // store of the three adjacent fields (and the padding after them).
  static_assert(offsetof(_PyInterpreterFrame, is_entry) == offsetof(_PyInterpreterFrame, stacktop) + 4 &&
                    offsetof(_PyInterpreterFrame, owner) == offsetof(_PyInterpreterFrame, stacktop) + 5 &&
                    offsetof(_PyInterpreterFrame, localsplus) >= offsetof(_PyInterpreterFrame, stacktop) + 8,
                "CPython 3.11's _PyInterpreterFrame layout");
  const uint64_t packed = uint64_t(uint32_t(nlocalsplus)) | (uint64_t{FRAME_OWNED_BY_THREAD} << 40);
  with_imm(x86::Inst::kIdMov, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, stacktop)),
           int64_t(packed));
  // The arguments (new references), the other locals NULL.
  for (int i = 0; i < in.list_count; i++) {
    const Ref value = trace_.lists[in.list_start + i];
    const x86::Mem slot = x86::qword_ptr(frame, kFrameLocal0 + 8 * i);
    if (op(value).op == Op::CONST_OBJ && op(value).imm != 0 &&
        asmjit::Support::isInt32(op(value).imm)) {
      // A static object (a small int, None): its address is an immediate.
      cc_.add(absolute(reinterpret_cast<void*>(op(value).imm)), 1);
      cc_.mov(slot, imm(op(value).imm));
      continue;
    }
    x86::Gp arg = gp(value);
    cc_.add(x86::qword_ptr(arg, offsetof(PyObject, ob_refcnt)), 1);
    cc_.mov(slot, arg);
  }
  const int first_free = nlocalsplus - code->co_nfreevars;
  for (int i = in.list_count; i < first_free; i++) {
    cc_.mov(x86::qword_ptr(frame, kFrameLocal0 + 8 * i), 0);
  }
  // COPY_FREE_VARS: the closure's cells, new references, in the last slots. A function
  // whose code has free variables always has a closure of that many cells (MAKE_FUNCTION
  // gives it one; FunctionType() checks its length; __closure__ is read-only), and its
  // code is checked above or certain.
  if (code->co_nfreevars > 0) {
    x86::Gp closure = new_gp();
    x86::Gp cell = new_gp();
    cc_.mov(closure, x86::qword_ptr(func, offsetof(PyFunctionObject, func_closure)));
    for (int i = 0; i < code->co_nfreevars; i++) {
      cc_.mov(cell, x86::qword_ptr(closure, int32_t(offsetof(PyTupleObject, ob_item) + 8 * i)));
      cc_.add(x86::qword_ptr(cell, offsetof(PyObject, ob_refcnt)), 1);
      cc_.mov(x86::qword_ptr(frame, kFrameLocal0 + 8 * (first_free + i)), cell);
    }
  }
  // Complete at its first traceable instruction.
  cc_.mov(t, imm(reinterpret_cast<intptr_t>(_PyCode_CODE(code) + code->_co_firsttraceable - 1)));
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, prev_instr)), t);
  // Linked above the current frame, whose instruction becomes the CALL's (imm): the
  // caller and its code are known where frame_at_ names it (the loop's frame, or a frame
  // of certain code).
  const Ref caller_ref = frame_at_[ref];
  const int32_t call_offset =
      int32_t(offsetof(PyCodeObject, co_code_adaptive) + in.imm * int64_t{sizeof(_Py_CODEUNIT)});
  x86::Gp cframe = load_slot(cframe_slot_);
  x86::Gp caller = new_gp();
  PyCodeObject* caller_code = nullptr;
  if (caller_ref == kLoopFrame && trace_.code != nullptr) {
    caller = load_slot(frame_slot_);
    caller_code = reinterpret_cast<PyCodeObject*>(trace_.code);
  } else if (caller_ref >= 0 && frame_code_certain(caller_ref)) {
    caller = gp(caller_ref);
    caller_code = frame_code_hint(caller_ref);
  } else {
    cc_.mov(caller, x86::qword_ptr(cframe, offsetof(_PyCFrame, current_frame)));
  }
  if (caller_code != nullptr) {
    cc_.mov(t, imm(reinterpret_cast<intptr_t>(caller_code) + call_offset));
  } else {
    cc_.mov(t, x86::qword_ptr(caller, offsetof(_PyInterpreterFrame, f_code)));
    cc_.add(t, call_offset);
  }
  cc_.mov(x86::qword_ptr(caller, offsetof(_PyInterpreterFrame, prev_instr)), t);
  cc_.mov(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, previous)), caller);
  cc_.mov(x86::qword_ptr(cframe, offsetof(_PyCFrame, current_frame)), frame);

  cold([this, ref, &in, func, frame, tstate, slow, undo, done] {
    cc_.bind(undo);
    cc_.mov(tstate, tstate_slot_);
    cc_.add(x86::dword_ptr(tstate, offsetof(PyThreadState, recursion_remaining)), 1);
    cc_.bind(slow);
    for (int i = 0; i < in.list_count; i++) {
      cc_.mov(list_area_.cloneAdjusted(int64_t{8} * i), gp(trace_.lists[in.list_start + i]));
    }
    x86::Gp list = new_gp();
    cc_.lea(list, list_area_);
    set_frame_instr(in);
    x86::Gp result = invoke_callv_helper(in, list, func);
    cc_.test(result, result);
    cc_.jz(stub(in.exit));
    cc_.mov(frame, result);
    cc_.jmp(done);
  });
  cc_.bind(done);
}

// POP_FRAME of a frame whose code the trace knows (frame_code_hint, checked against the
// frame's f_code unless frame_code_certain): the helper's steps inline, in its order:
// unlinked first (finalizers must not see it: gh-99729), the locals, f_func and f_code
// released as _PyFrame_Clear does (with one recursion level kept for the finalizers they
// may run, as the helper keeps it), popped from the data stack, then the tp_call-slot
// level given back if the frame holds one. A frame with another code, one that got a
// frame object (sys._getframe, tracebacks) or an f_locals dict (locals()), or (a frame the
// trace did not push) another stack depth goes through the helper whole; a frame at the
// start of a data-stack chunk is popped by _PyThreadState_PopFrame (which frees the chunk).
void TraceLowering::lower_pop_frame(Ref ref, const Instr& in) {
  PyCodeObject* code = frame_code_hint(in.a);
  if (code == nullptr) return lower_call(ref, in);
  const int nlocalsplus = code->co_nlocalsplus;
  x86::Gp frame = gp(in.a);
  x86::Gp tstate = new_gp();
  x86::Gp t = new_gp();
  Label slow = cc_.newLabel(), first_in_chunk = cc_.newLabel(), popped = cc_.newLabel();
  // (The helper call's protocol would set the popped frame's instruction first: a write
  // into a frame nothing can see any more once it is unlinked without a frame object.)
  if (!frame_code_certain(in.a)) {
    cc_.mov(t, imm(reinterpret_cast<intptr_t>(code)));
    cc_.cmp(x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)), t);
    cc_.jne(slow);
  }
  // No frame object and no f_locals (so _PyFrame_Clear has neither to release).
  cc_.mov(t, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, frame_obj)));
  cc_.or_(t, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_locals)));
  cc_.jnz(slow);
  // A frame this trace pushed has an empty value stack while the trace runs (only an exit
  // writes stacktop); a side trace's entry frame is checked.
  if (op(in.a).op != Op::PUSH_FRAME) {
    cc_.cmp(x86::dword_ptr(frame, offsetof(_PyInterpreterFrame, stacktop)), nlocalsplus);
    cc_.jne(slow);
  }
  // _Py_LeaveRecursiveCallTstate, then one level kept while clearing: net unchanged until
  // the frame is cleared.
  x86::Gp cframe = load_slot(cframe_slot_);
  cc_.mov(t, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, previous)));
  cc_.mov(x86::qword_ptr(cframe, offsetof(_PyCFrame, current_frame)), t);
  // Locals whose value the trace knows (its stores, the push's arguments and NULLs) skip
  // the NULL test, or the whole release, and release an exact float inline.
  auto stored = pop_slots_.find(ref);
  for (int i = 0; i < nlocalsplus; i++) {
    Ref value = kSlotUnknown;
    if (stored != pop_slots_.end()) {
      auto it = stored->second.find(i);
      value = it != stored->second.end() ? it->second : slot_at_push(in.a, i, code);
    }
    if (value == kSlotNull) continue;
    if (value >= 0 && op(value).op == Op::CONST_OBJ && op(value).imm != 0 &&
        asmjit::Support::isInt32(op(value).imm)) {
      // A static constant the trace holds (a small int, None): one decrement, no load.
      cc_.sub(absolute(reinterpret_cast<void*>(op(value).imm)), 1);
      continue;
    }
    x86::Gp local = new_gp();
    cc_.mov(local, x86::qword_ptr(frame, kFrameLocal0 + 8 * i));
    release(local, value == kSlotUnknown, value >= 0 && exact_float(value, ref),
            value >= 0 && held_by_trace(value));
  }
  x86::Gp func = new_gp();
  cc_.mov(func, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_func)));
  // (A frame this trace pushed for a constant function holds that constant.)
  release(func, false, false, op(in.a).op == Op::PUSH_FRAME && held_by_trace(op(in.a).a));
  x86::Gp code_ref = new_gp();
  cc_.mov(code_ref, x86::qword_ptr(frame, offsetof(_PyInterpreterFrame, f_code)));
  emit_decref(cc_, code_ref, false);
  cc_.mov(tstate, tstate_slot_);
  cc_.add(x86::dword_ptr(tstate, offsetof(PyThreadState, recursion_remaining)), 1);
  // _PyThreadState_PopFrame: datastack_top = frame, unless the frame opens its chunk.
  cc_.lea(t, x86::qword_ptr(frame, -int32_t(offsetof(_PyStackChunk, data))));
  cc_.cmp(x86::qword_ptr(tstate, offsetof(PyThreadState, datastack_chunk)), t);
  cc_.je(first_in_chunk);
  cc_.mov(x86::qword_ptr(tstate, offsetof(PyThreadState, datastack_top)), frame);
  cc_.bind(popped);
  InvokeNode* call;
  if (may_hold_call_registrations(ref, in.a)) {
    cc_.invoke(&call, imm(reinterpret_cast<void*>(&vm::release_call_slot_level)),
               FuncSignatureT<void, void*, void*>(CallConvId::kHost));
    call->setArg(0, tstate);
    call->setArg(1, frame);
  }
  Label done = cc_.newLabel();
  cold([this, &in, frame, tstate, first_in_chunk, popped, slow, done] {
    cc_.bind(first_in_chunk);
    InvokeNode* call;
    cc_.invoke(&call, imm(reinterpret_cast<void*>(&_PyThreadState_PopFrame)),
               FuncSignatureT<void, void*, void*>(CallConvId::kHost));
    call->setArg(0, tstate);
    call->setArg(1, frame);
    cc_.mov(tstate, tstate_slot_);
    cc_.jmp(popped);
    cc_.bind(slow);
    invoke_helper(in);
    cc_.jmp(done);
  });
  cc_.bind(done);
}

}  // namespace janus::jit::x64

// ---- floats: PyFloat_FromDouble and float_dealloc's free list, inline ------------------

namespace janus::jit::x64 {

using namespace asmjit;

namespace {

constexpr int32_t kFloatFreeList =
    offsetof(PyInterpreterState, float_state) + offsetof(_Py_float_state, free_list);
constexpr int32_t kFloatNumFree =
    offsetof(PyInterpreterState, float_state) + offsetof(_Py_float_state, numfree);
static_assert(PyFloat_MAXFREELIST == 100, "CPython 3.11's float free list");

}  // namespace

// BOX_FLOAT: PyFloat_FromDouble's common case (CPython 3.11, floatobject.c): a float from
// the interpreter's free list (linked through ob_type), initialized as _PyObject_Init does
// (float is a static type: no type reference; _Py_NewReference sets the count to 1 once
// tracemalloc is not tracing). An empty free list, or tracemalloc on, calls the helper.
void TraceLowering::lower_box_float(Ref ref, const Instr& in) {
  x86::Gp out = gp(ref);
  x86::Gp interp = new_gp();
  x86::Gp t = new_gp();
  Label slow = cc_.newLabel(), done = cc_.newLabel();
  cc_.cmp(absolute(&_Py_tracemalloc_config.tracing, 4), 0);
  cc_.jne(slow);
  cc_.mov(interp, interp_slot_);
  cc_.mov(out, x86::qword_ptr(interp, kFloatFreeList));
  cc_.test(out, out);
  cc_.jz(slow);
  cc_.mov(t, x86::qword_ptr(out, offsetof(PyObject, ob_type)));
  cc_.sub(x86::dword_ptr(interp, kFloatNumFree), 1);
  cc_.mov(x86::qword_ptr(interp, kFloatFreeList), t);
  with_imm(x86::Inst::kIdMov, x86::qword_ptr(out, offsetof(PyObject, ob_type)),
           reinterpret_cast<intptr_t>(&PyFloat_Type));
  cc_.mov(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
  cc_.movsd(x86::qword_ptr(out, offsetof(PyFloatObject, ob_fval)), xmm(in.a));
  cold_helper(ref, in, slow, done);  // NULL: MemoryError
  cc_.bind(done);
}

// Whether the value `r` is an exact float wherever `at` runs: a BOX_FLOAT result, or a
// value an earlier GUARD_TYPE checked to be one (a float's type cannot be reassigned).
bool TraceLowering::exact_float(Ref r, Ref at) const {
  if (op(r).op == Op::BOX_FLOAT) return true;
  for (Ref g = at; g-- > r;) {
    const Instr& in = op(g);
    if (in.op == Op::GUARD_TYPE && in.a == r &&
        in.imm == reinterpret_cast<int64_t>(&PyFloat_Type)) {
      return true;
    }
  }
  return false;
}

// DECREF / XDECREF (Py_DECREF of 3.11: no immortal objects). The last reference to an exact
// float goes back to the free list as _Py_Dealloc -> float_dealloc -> _PyFloat_ExactDealloc
// puts it (a full list: the call, which frees it); anything else calls _Py_Dealloc.
// The XDECREF of a FRAME_STORE's old value, when the trace knows that value (a fresh
// frame's NULL local, or what an earlier store put there), is that value's release.
void TraceLowering::lower_decref(Ref ref, const Instr& in) {
  Ref value = in.a;
  bool maybe_null = in.op == Op::XDECREF;
  if (op(in.a).op == Op::FRAME_STORE && store_old_[in.a] != kSlotUnknown) {
    if (store_old_[in.a] == kSlotNull) return;  // Py_XDECREF(NULL)
    value = store_old_[in.a];                    // a stored value: never NULL
    maybe_null = false;
  }
  release(gp(in.a), maybe_null, exact_float(value, ref), held_by_trace(value));
}

// A trace constant (or a new reference to one): Trace::consts holds it while the trace
// runs, so a release of it never frees it.
bool TraceLowering::held_by_trace(Ref v) const {
  while (v >= 0 && op(v).op == Op::NEWREF) v = op(v).a;
  return v >= 0 && op(v).op == Op::CONST_OBJ && op(v).imm != 0;
}

void TraceLowering::release(const x86::Gp& value, bool maybe_null, bool exact_float, bool held) {
  if (held) {  // the count stays above zero: no test, no deallocation
    cc_.sub(x86::qword_ptr(value, offsetof(PyObject, ob_refcnt)), 1);
    return;
  }
  // A float's path reads the object three more times: in a register of its own (asmjit
  // reloads a spilled value per use, and shuffles it through the stack).
  x86::Gp a = value;
  if (exact_float) {
    a = new_gp();
    cc_.mov(a, value);
  }
  Label done = cc_.newLabel(), dealloc = cc_.newLabel();
  if (maybe_null) {
    cc_.test(a, a);
    cc_.jz(done);
  }
  cc_.sub(x86::qword_ptr(a, offsetof(PyObject, ob_refcnt)), 1);
  cc_.jnz(done);
  if (exact_float) {
    x86::Gp interp = load_slot(interp_slot_);
    x86::Gp t = new_gp();
    cc_.cmp(x86::dword_ptr(interp, kFloatNumFree), PyFloat_MAXFREELIST);
    cc_.jge(dealloc);
    cc_.add(x86::dword_ptr(interp, kFloatNumFree), 1);
    cc_.mov(t, x86::qword_ptr(interp, kFloatFreeList));
    cc_.mov(x86::qword_ptr(a, offsetof(PyObject, ob_type)), t);
    cc_.mov(x86::qword_ptr(interp, kFloatFreeList), a);
    cc_.jmp(done);
  }
  cc_.bind(dealloc);
  InvokeNode* call;
  cc_.invoke(&call, imm(reinterpret_cast<void*>(&_Py_Dealloc)),
             FuncSignatureT<void, void*>(CallConvId::kHost));
  call->setArg(0, a);
  cc_.bind(done);
}

}  // namespace janus::jit::x64

// ---- small ints and list appends --------------------------------------------------------

namespace janus::jit::x64 {

using namespace asmjit;

static_assert(_PY_NSMALLNEGINTS == 5 && _PY_NSMALLPOSINTS == 257, "CPython 3.11's small ints");

// BOX_INT: PyLong_FromLongLong's first case, the shared small int (-5 <= a < 257) with a
// new reference (get_small_int); any other value calls the helper (an allocation).
void TraceLowering::lower_box_int(Ref ref, const Instr& in) {
  x86::Gp out = gp(ref);
  x86::Gp index = new_gp(TypeId::kInt64);
  Label slow = cc_.newLabel(), done = cc_.newLabel();
  cc_.mov(index, gp(in.a));
  cc_.add(index, _PY_NSMALLNEGINTS);
  cc_.cmp(index, _PY_NSMALLNEGINTS + _PY_NSMALLPOSINTS);
  cc_.jae(slow);  // unsigned: below -5 or from 257 on
  cc_.imul(index, index, static_cast<int32_t>(sizeof(PyLongObject)));
  cc_.mov(out, imm(reinterpret_cast<intptr_t>(&_PyLong_SMALL_INTS[0])));
  cc_.add(out, index);
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
  cc_.jmp(done);
  cc_.bind(slow);
  after_call(ref, in, invoke_helper(in));  // NULL: MemoryError
  cc_.bind(done);
}

// APPEND: PyList_Append(a, b) -> _PyList_AppendTakeRef's case with room (allocated > len):
// Py_INCREF(b), items[len] = b, size len + 1. A full list (a resize) or a non-list calls
// the helper.
void TraceLowering::lower_append(Ref ref, const Instr& in) {
  set_frame_instr(in);  // the helper call's protocol (kEffect), kept for exactness
  x86::Gp list = local_copy(in.a);  // read in three places
  x86::Gp item = gp(in.b);
  x86::Gp len = new_gp(TypeId::kInt64);
  x86::Gp t = new_gp();
  Label slow = cc_.newLabel(), done = cc_.newLabel();
  cc_.mov(t, x86::qword_ptr(list, offsetof(PyObject, ob_type)));
  cc_.test(x86::qword_ptr(t, offsetof(PyTypeObject, tp_flags)), Py_TPFLAGS_LIST_SUBCLASS);
  cc_.jz(slow);
  cc_.mov(len, x86::qword_ptr(list, offsetof(PyVarObject, ob_size)));
  cc_.cmp(x86::qword_ptr(list, offsetof(PyListObject, allocated)), len);
  cc_.jle(slow);
  cc_.add(x86::qword_ptr(item, offsetof(PyObject, ob_refcnt)), 1);
  cc_.mov(t, x86::qword_ptr(list, offsetof(PyListObject, ob_item)));
  cc_.mov(x86::qword_ptr(t, len, 3), item);
  cc_.add(len, 1);
  cc_.mov(x86::qword_ptr(list, offsetof(PyVarObject, ob_size)), len);
  cold_helper(ref, in, slow, done);
  cc_.bind(done);
}

}  // namespace janus::jit::x64
