// Redundant-guard elimination: a guard whose fact an earlier guard on the same value
// already established (and nothing since could have changed) is removed. Facts about an
// SSA value itself (identity, not-null, truth, int64 range, the class of a static type)
// hold for the whole trace; facts about mutable state (dict and type versions, lengths,
// iterator positions, the class of a heap-type instance) die at any op with kEffect.
#include <set>
#include <tuple>

#include "jit/cpython.h"
#include "jit/passes/passes.h"

namespace janus::jit {

namespace {

bool survives_effects(const Instr& in) {
  switch (in.op) {
    case Op::GUARD_IS:
    case Op::GUARD_IS_NOT:
    case Op::GUARD_NOT_NULL:
    case Op::GUARD_TRUE:
    case Op::GUARD_FALSE:
    case Op::GUARD_INT64:
    case Op::GUARD_NONZERO_I64:
    case Op::GUARD_NONZERO_F64:
      return true;
    case Op::GUARD_TYPE:
      return !PyType_HasFeature(reinterpret_cast<PyTypeObject*>(in.imm), Py_TPFLAGS_HEAPTYPE);
    default:
      return false;
  }
}

}  // namespace

void eliminate_redundant_guards(Trace& trace) {
  using Fact = std::tuple<int, Ref, Ref, int64_t, int32_t>;
  std::set<Fact> lasting, volatile_facts;
  for (Instr& in : trace.ops) {
    if (in.dead) continue;
    const uint8_t flags = op_info(in.op).flags;
    if ((flags & kGuard) && !(flags & kPure)) {
      Fact fact{static_cast<int>(in.op), in.a, in.b, in.imm, in.aux};
      if (lasting.count(fact) || volatile_facts.count(fact)) {
        in.dead = true;
        continue;
      }
      (survives_effects(in) ? lasting : volatile_facts).insert(fact);
      // An int64 unbox guard also proves the exact type int.
      if (in.op == Op::GUARD_INT64) {
        lasting.insert(Fact{static_cast<int>(Op::GUARD_TYPE), in.a, kNoRef,
                            reinterpret_cast<int64_t>(&PyLong_Type), 0});
      }
    }
    if (flags & kEffect) volatile_facts.clear();
  }
}

}  // namespace janus::jit
