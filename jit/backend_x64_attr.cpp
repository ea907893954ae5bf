// Inline forms of the instance-attribute helpers (jit/runtime_attr.cpp) for the two
// layouts that need no lookup: 3.11 inline values (values[index] behind the pointer at
// obj - 4 words) and __slots__ members (a pointer at a fixed offset). Dict-hint and
// not-shadowed checks call the helper. Each reads exactly what its helper reads.
#include "jit/backend_x64_lowering.h"
#include "jit/runtime.h"

namespace janus::jit::x64 {

using namespace asmjit;

namespace {

// _PyObject_ValuesPointer(o) == (PyDictValues**)o - 4 (CPython 3.11, pycore_object.h).
constexpr int32_t kValuesPointer = -4 * static_cast<int32_t>(sizeof(PyObject*));

rt::AttrKind kind_of(const Instr& in) { return static_cast<rt::AttrKind>(in.aux & 0xff); }
int32_t index_of(const Instr& in) { return in.aux >> 8; }

}  // namespace

// GUARD_ATTR_SLOT: the value at the recorded place is present (not NULL).
void TraceLowering::lower_guard_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  if (kind != rt::kAttrValues && kind != rt::kAttrSlot) return lower_call(ref, in);
  roll(in);
  x86::Gp a = gp(in.a);
  if (kind == rt::kAttrSlot) {
    cc_.cmp(x86::qword_ptr(a, index_of(in)), 0);
    cc_.je(stub(in.exit));
    return;
  }
  x86::Gp values = cc_.newIntPtr();
  cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
  cc_.test(values, values);
  cc_.jz(stub(in.exit));
  cc_.cmp(x86::qword_ptr(values, offsetof(PyDictValues, values) + index_of(in) * 8), 0);
  cc_.je(stub(in.exit));
}

// ATTR_SLOT (after its guard): a new reference to the value.
void TraceLowering::lower_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  if (kind != rt::kAttrValues && kind != rt::kAttrSlot) return lower_call(ref, in);
  x86::Gp a = gp(in.a);
  x86::Gp out = gp(ref);
  if (kind == rt::kAttrSlot) {
    cc_.mov(out, x86::qword_ptr(a, index_of(in)));
  } else {
    cc_.mov(out, x86::qword_ptr(a, kValuesPointer));
    cc_.mov(out, x86::qword_ptr(out, offsetof(PyDictValues, values) + index_of(in) * 8));
  }
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
}

}  // namespace janus::jit::x64
