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

std::vector<Ref> last_uses(const Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  std::vector<Ref> last(n, kNoRef);
  auto use = [&](Ref v, Ref at) {
    if (v >= 0 && last[v] < at) last[v] = at;
  };
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (in.dead) continue;
    use(in.a, r);
    use(in.b, r);
    use(in.c, r);
    for (int i = 0; i < in.list_count; i++) use(trace.lists[in.list_start + i], r);
    if (in.exit >= 0) {
      for (const SnapEntry& e : trace.snapshots[in.exit].entries) {
        if (e.kind != SnapEntry::Release) use(e.ref, r);
      }
    }
  }
  return last;
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
