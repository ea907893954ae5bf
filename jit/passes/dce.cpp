// Dead-code elimination: ops whose results no op and no snapshot uses, and that have no
// effect, are removed; repeated backwards until nothing changes (one sweep suffices on a
// straight line, since uses come after definitions).
#include "jit/passes/passes.h"

namespace janus::jit {

void eliminate_dead_code(Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  std::vector<int> uses(n, 0);
  auto use = [&](Ref r) {
    if (r >= 0) uses[r]++;
  };
  for (const Instr& in : trace.ops) {
    if (in.dead) continue;
    use(in.a);
    use(in.b);
    use(in.c);
    for (int i = 0; i < in.list_count; i++) use(trace.lists[in.list_start + i]);
  }
  // Only snapshots some live op exits to count.
  std::vector<bool> live_snapshot(trace.snapshots.size(), false);
  for (const Instr& in : trace.ops) {
    if (!in.dead && in.exit >= 0) live_snapshot[in.exit] = true;
  }
  for (size_t s = 0; s < trace.snapshots.size(); s++) {
    if (!live_snapshot[s]) continue;
    for (const SnapEntry& e : trace.snapshots[s].entries) use(e.ref);
  }
  for (Ref r = n - 1; r >= 0; r--) {
    Instr& in = trace.ops[r];
    if (in.dead || uses[r] > 0 || !is_removable(in)) continue;
    in.dead = true;
    auto unuse = [&](Ref x) {
      if (x >= 0) uses[x]--;
    };
    unuse(in.a);
    unuse(in.b);
    unuse(in.c);
    for (int i = 0; i < in.list_count; i++) unuse(trace.lists[in.list_start + i]);
  }
}

}  // namespace janus::jit
