// Borrowed constants: the recorder takes a reference of its own (NEWREF) wherever tier 0's
// stack holds one, so that code running meanwhile sees tier 0's reference counts
// (sys.getrefcount, gc.get_referrers). When the value is a trace constant (the trace keeps
// it alive while it runs) and no op that may run Python code (ir.cpp may_run_code) comes
// between the NEWREF and the alias's last use (an operand or a snapshot entry), nobody can
// see that reference: the alias becomes the constant itself, and neither the increment nor
// the release the refcount pass would add after the last use is made. Exits are unaffected:
// deoptimize takes a reference of its own for every value it writes.
#include <vector>

#include "jit/passes/passes.h"

namespace janus::jit {

void borrow_constants(Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  const std::vector<Ref> last_use = last_uses(trace);  // no Release entries yet
  // code_before[r]: ops that may run code among ops 0..r-1.
  std::vector<int> code_before(n + 1, 0);
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    code_before[r + 1] = code_before[r] + (!in.dead && may_run_code(in.op, in.aux) ? 1 : 0);
  }
  std::vector<Ref> replacement(n, kNoRef);
  bool any = false;
  for (Ref r = 0; r < n; r++) {
    Instr& in = trace.ops[r];
    if (in.dead || in.op != Op::NEWREF) continue;
    Ref root = in.a;
    while (root >= 0 && trace.ops[root].op == Op::NEWREF) root = trace.ops[root].a;
    if (root < 0 || trace.ops[root].op != Op::CONST_OBJ || trace.ops[root].imm == 0) continue;
    const Ref end = last_use[r] == kNoRef ? r : last_use[r];
    if (code_before[end + 1] - code_before[r + 1] != 0) continue;  // code runs while it lives
    replacement[r] = root;
    in.dead = true;
    any = true;
  }
  if (any) replace_uses(trace, replacement);
}

}  // namespace janus::jit
