// Inline fast paths of runtime helpers (ir.def allows a backend to inline a Call op when it
// reproduces the helper exactly): each reads the same CPython object fields as its helper
// in jit/runtime.cpp and falls back to calling it where the fast path does not apply.
#include "jit/backend_x64_lowering.h"

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
  x86::Gp type = cc_.newUInt64();
  x86::Gp size = cc_.newInt64();
  Label pass = cc_.newLabel();
  Label slow = cc_.newLabel();
  cc_.mov(type, imm(reinterpret_cast<intptr_t>(&PyLong_Type)));
  cc_.cmp(x86::qword_ptr(a, offsetof(PyObject, ob_type)), type);
  cc_.jne(stub(in.exit));
  cc_.mov(size, x86::qword_ptr(a, kLongSize));
  cc_.add(size, 2);
  cc_.cmp(size, 4);
  cc_.ja(slow);  // unsigned: size + 2 outside [0, 4]
  cc_.jmp(pass);
  cc_.bind(slow);
  x86::Gp verdict = invoke_helper(in);
  cc_.test(verdict, verdict);
  cc_.jz(stub(in.exit));
  cc_.bind(pass);
}

// UNBOX_INT (after GUARD_INT64): sign(size) * (digit[0] | digit[1] << 30) for sizes -2..2
// (digits past |size| are not read), else the helper.
void TraceLowering::lower_unbox_int(Ref ref, const Instr& in) {
  x86::Gp a = gp(in.a);
  x86::Gp out = gp(ref);
  x86::Gp size = cc_.newInt64();
  x86::Gp biased = cc_.newInt64();
  x86::Gp high = cc_.newUInt64();
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
  x86::Gp value = invoke_helper(in);
  cc_.mov(out, value);
  cc_.bind(done);
}

// ---- iterators (RangeIterLayout / ListIterLayout of jit/cpython.h) ---------------------

// GUARD_ITER_NOT_DONE: range: index < len; list: it_seq != NULL && it_index < len(it_seq).
void TraceLowering::lower_guard_iter_not_done(const Instr& in) {
  roll(in);
  x86::Gp it = gp(in.a);
  x86::Gp index = cc_.newInt64();
  if (in.aux == 1) {
    cc_.mov(index, x86::qword_ptr(it, offsetof(RangeIterLayout, index)));
    cc_.cmp(index, x86::qword_ptr(it, offsetof(RangeIterLayout, len)));
    cc_.jge(stub(in.exit));
    return;
  }
  x86::Gp seq = cc_.newIntPtr();
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
  x86::Gp index = cc_.newInt64();
  x86::Gp items = cc_.newIntPtr();
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
  x86::Gp expected = cc_.newInt64();
  cc_.mov(expected, imm(in.imm));
  cc_.cmp(x86::qword_ptr(gp(in.a), offsetof(PyVarObject, ob_size)), expected);
  cc_.jne(stub(in.exit));
}

// GUARD_INDEX: -Py_SIZE(a) <= b < Py_SIZE(a).
void TraceLowering::lower_guard_index(const Instr& in) {
  roll(in);
  x86::Gp size = cc_.newInt64();
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
  x86::Gp index = cc_.newInt64();
  x86::Gp type = cc_.newIntPtr();
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
  cc_.mov(gp(ref), slot);
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
