// Helpers behind the ops with lowering Call / CallV in jit/ir.def: one function per op,
// named after it, with the uniform raw-64-bit signatures ir.def states. The IR interpreter
// and the asmjit backend both call these, so their semantics exist once.
#pragma once

#include <cstdint>

namespace janus::jit::rt {

using CallFn = uint64_t (*)(uint64_t a, uint64_t b, uint64_t c, int64_t imm, int64_t aux);
using CallVFn = uint64_t (*)(const uint64_t* list, int64_t count, uint64_t a, int64_t imm,
                             int64_t aux);

#define JIT_RT_Inline(name)
#define JIT_RT_Call(name) \
  uint64_t name(uint64_t a, uint64_t b, uint64_t c, int64_t imm, int64_t aux);
#define JIT_RT_CallV(name) \
  uint64_t name(const uint64_t* list, int64_t count, uint64_t a, int64_t imm, int64_t aux);
#define JIT_OP(name, result, operands, lowering, flags) JIT_RT_##lowering(name)
#include "jit/ir.def"
#undef JIT_OP
#undef JIT_RT_Inline
#undef JIT_RT_Call
#undef JIT_RT_CallV

// Where GUARD_ATTR_SLOT / ATTR_SLOT / SET_ATTR_SLOT find an instance attribute (aux & 0xff;
// aux >> 8 is the index or offset). Found at record time; jit/runtime_attr.cpp reads them.
enum AttrKind : int64_t {
  kAttrValues = 0,  // 3.11 inline values (managed dict not materialized): values[index]
  kAttrDictHint = 1,  // materialized managed dict, unicode keys: entry `index` has key imm
  kAttrSlot = 2,   // __slots__ member: *(PyObject**)((char*)a + offset)
  kAttrAbsent = 3,  // guard only: no instance attribute `imm` (class attribute not shadowed)
};
constexpr int64_t attr_aux(AttrKind kind, int64_t index) { return kind | (index << 8); }

// How CALL_C calls its PyMethodDef's ml_meth (aux), by the METH_* flags vectorcall
// dispatches on (Objects/methodobject.c, descrobject.c). Others (METH_VARARGS,
// METH_METHOD) stay OBJ_CALL.
enum CKind : int64_t {
  kCNoArgs = 0,    // METH_NOARGS: f(self, NULL)
  kCOne = 1,       // METH_O: f(self, arg)
  kCFast = 2,      // METH_FASTCALL: f(self, args, nargs)
  kCFastKw = 3,    // METH_FASTCALL | METH_KEYWORDS: f(self, args, nargs, NULL)
  kCNoLevel = 8,   // or'ed in: no recursion level around the call, as tier 0's specialized
                   // PRECALL_NO_KW_LEN / _ISINSTANCE / _LIST_APPEND / _BUILTIN_FAST /
                   // _METHOD_DESCRIPTOR_FAST (3.11's) take none
  kCNoCode = 16,   // or'ed in (ir.h kCallRunsNoCode): a builtin of jit/known_c.def, which
                   // runs no Python code: no deferred-local flush before it, no
                   // eval-breaker check after it
  kCKindMask = 3,  // the METH_* kind bits
};

// The helper of a Call / CallV op (nullptr for Inline ops): index by (int)Op.
CallFn call_helper(int op);
CallVFn callv_helper(int op);

}  // namespace janus::jit::rt
