// Optimization passes over a recorded trace. Each works in place, marks removed ops
// `dead` (refs stay stable) and keeps the trace verifiable. Run them through optimize().
#pragma once

#include "jit/trace.h"

namespace janus::jit {

// Folds ops whose operands are constants, and guards a constant always passes.
void fold_constants(Trace& trace);
// Replaces a pure op by an earlier identical one (same op, operands and immediates).
void eliminate_common_subexpressions(Trace& trace);
// Never makes a bound builtin method (DESCR_GET of a method descriptor) that is only called
// directly, kept alive and named by snapshots: the calls get the receiver, exits `bind` it.
void sink_bound_methods(Trace& trace);
// Removes a guard an earlier guard already established on the same value; facts that
// arbitrary code can change (dict/type versions, lengths, heap-type classes) do not survive
// an op with kEffect.
void eliminate_redundant_guards(Trace& trace);
// Removes ops whose values nobody uses and that have no effect.
void eliminate_dead_code(Trace& trace);
// Drops the trace's own reference to a constant (NEWREF of a CONST_OBJ) where no op that
// may run code sees it: the alias becomes the constant.
void borrow_constants(Trace& trace);
// Inserts DECREF after the last use of every owned value and lists the owned values live
// across each exit as Release entries of its snapshot (cloning snapshots shared by exits
// with different live sets). Renumbers refs; run it last.
void insert_refcounts(Trace& trace);

// All of the above, in order.
void optimize(Trace& trace);

// Helpers shared by the passes.
void replace_uses(Trace& trace, const std::vector<Ref>& replacement);  // -1 = keep
// The last live op using each value (an operand, or an entry other than Release of the
// snapshot an op exits to); kNoRef for a value nothing uses.
std::vector<Ref> last_uses(const Trace& trace);
bool is_removable(const Instr& instr);

}  // namespace janus::jit
