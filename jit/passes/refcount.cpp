// The refcount pass: owned values (kOwned results: new references from helpers) are
// released by an explicit DECREF right after their last use, where a use is an operand or
// a mention in the snapshot of an exit some op may take. Each exit's snapshot then lists,
// as Release entries, the owned values alive across it (defined before the exiting op and
// used at or after it), so the deoptimizer drops exactly the references the trace holds.
// Snapshots shared by exits with different live sets are cloned. Dead ops are dropped and
// refs renumbered.
#include <map>

#include "jit/passes/passes.h"

namespace janus::jit {

namespace {

bool is_owned(const Instr& in) {
  return !in.dead && in.type == Type::Obj && (op_info(in.op).flags & kOwned);
}

}  // namespace

void insert_refcounts(Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  std::vector<Ref> last_use = last_uses(trace);
  for (Ref r = 0; r < n; r++) {
    if (last_use[r] == kNoRef) last_use[r] = r;  // unused: released right away
  }

  // Release entries per exiting op (old refs), cloning shared snapshots as needed.
  std::map<int32_t, std::vector<Ref>> assigned;  // snapshot -> its release set
  for (Ref r = 0; r < n; r++) {
    Instr& in = trace.ops[r];
    if (in.dead || in.exit < 0) continue;
    std::vector<Ref> live;
    for (Ref v = 0; v < r; v++) {
      if (is_owned(trace.ops[v]) && last_use[v] >= r) live.push_back(v);
    }
    auto it = assigned.find(in.exit);
    if (it == assigned.end()) {
      assigned[in.exit] = live;
    } else if (it->second != live) {
      Snapshot copy = trace.snapshots[in.exit];
      trace.snapshots.push_back(std::move(copy));
      in.exit = static_cast<int32_t>(trace.snapshots.size() - 1);
      assigned[in.exit] = live;
    }
  }
  for (auto& [s, live] : assigned) {
    for (Ref v : live) trace.snapshots[s].entries.push_back({SnapEntry::Release, 0, v});
  }

  // Rebuild with DECREFs after last uses, dropping dead ops.
  std::vector<std::vector<Ref>> release_after(n);
  for (Ref v = 0; v < n; v++) {
    if (is_owned(trace.ops[v])) release_after[last_use[v]].push_back(v);
  }
  std::vector<Ref> renumber(n, kNoRef);
  std::vector<Instr> ops;
  ops.reserve(n + n / 2);
  auto map_ref = [&](Ref r) { return r >= 0 ? renumber[r] : kNoRef; };
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (!in.dead) {
      Instr copy = in;
      copy.a = map_ref(in.a);
      copy.b = map_ref(in.b);
      copy.c = map_ref(in.c);
      renumber[r] = static_cast<Ref>(ops.size());
      ops.push_back(copy);
    }
    for (Ref v : release_after[r]) {
      // A LOOP never uses an owned value (values do not cross iterations), so the
      // DECREFs never land after it.
      Instr dec{};
      dec.op = Op::DECREF;
      dec.type = Type::Void;
      dec.a = renumber[v];
      dec.pc = in.pc;
      ops.push_back(dec);
    }
  }
  for (Ref& r : trace.lists) r = map_ref(r);
  for (Snapshot& s : trace.snapshots) {
    for (SnapEntry& e : s.entries) e.ref = map_ref(e.ref);
  }
  trace.ops = std::move(ops);
  // Snapshots no op exits to any more (their ops were removed) name nothing.
  std::vector<bool> referenced(trace.snapshots.size(), false);
  for (const Instr& in : trace.ops) {
    if (in.exit >= 0) referenced[in.exit] = true;
  }
  for (size_t s = 0; s < trace.snapshots.size(); s++) {
    if (!referenced[s]) trace.snapshots[s].entries.clear();
  }
}

}  // namespace janus::jit
