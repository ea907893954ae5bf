// What the passes share: use rewriting and the removability rule.
#include "jit/passes/passes.h"

namespace janus::jit {

void replace_uses(Trace& trace, const std::vector<Ref>& replacement) {
  auto fix = [&](Ref& r) {
    while (r >= 0 && replacement[r] >= 0) r = replacement[r];
  };
  for (Instr& in : trace.ops) {
    fix(in.a);
    fix(in.b);
    fix(in.c);
  }
  for (Ref& r : trace.lists) fix(r);
  for (Snapshot& s : trace.snapshots) {
    for (SnapEntry& e : s.entries) fix(e.ref);
  }
}

// An op can go when nothing uses its value: no effect, and not a guard (pure guards such
// as overflow checks may go: an unused result's overflow is invisible). kMayRaise ops
// without kEffect (boxing, building) only raise MemoryError.
bool is_removable(const Instr& in) {
  uint8_t flags = op_info(in.op).flags;
  if (in.op == Op::LOOP || in.op == Op::KEEP_ALIVE || (flags & kEffect)) return false;
  if ((flags & kGuard) && !(flags & kPure)) return false;
  return true;
}

void optimize(Trace& trace) {
  fold_constants(trace);
  eliminate_common_subexpressions(trace);
  sink_bound_methods(trace);
  eliminate_redundant_guards(trace);
  eliminate_dead_code(trace);
  borrow_constants(trace);
  insert_refcounts(trace);
}

}  // namespace janus::jit
