// Common-subexpression elimination over pure ops: the trace is one straight line, so an
// earlier identical pure op always dominates a later one.
#include <map>
#include <tuple>

#include "jit/passes/passes.h"

namespace janus::jit {

void eliminate_common_subexpressions(Trace& trace) {
  using Key = std::tuple<int, Ref, Ref, Ref, int64_t, int32_t>;
  std::map<Key, Ref> seen;
  std::vector<Ref> replacement(trace.ops.size(), kNoRef);
  auto fix = [&](Ref r) {
    while (r >= 0 && replacement[r] >= 0) r = replacement[r];
    return r;
  };
  for (Ref r = 0; r < static_cast<Ref>(trace.ops.size()); r++) {
    Instr& in = trace.ops[r];
    if (in.dead || !(op_info(in.op).flags & kPure) || in.list_count != 0) continue;
    in.a = fix(in.a);
    in.b = fix(in.b);
    in.c = fix(in.c);
    Key key{static_cast<int>(in.op), in.a, in.b, in.c, in.imm, in.aux};
    auto [it, fresh] = seen.emplace(key, r);
    if (!fresh) {
      replacement[r] = it->second;
      in.dead = true;
    }
  }
  replace_uses(trace, replacement);
}

}  // namespace janus::jit
