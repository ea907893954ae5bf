// Redundant-guard elimination: a guard whose fact an earlier guard on the same value
// already established (and nothing since could have changed) is removed. Facts about an
// SSA value itself (identity, not-null, truth, int64 range, finiteness, the class of a
// static type, a builtin's method def) hold for the whole trace; facts about mutable state
// (dict and type versions, instance attributes, function versions, lengths, iterator
// positions, the class of a heap-type instance, tracing) die at any op that may change it.
//
// The effect model (what each op may change) is finer than kEffect, which also marks ops
// that write only a frame slot or a list:
//   - an op that may run arbitrary code kills every mutable fact: a helper that calls into
//     Python or C code we do not know, the release of an object whose deallocation may run
//     a finalizer, and every allocation of a GC-tracked object (in 3.11 it may start a
//     collection, which runs finalizers and weakref callbacks);
//   - list appends and iterator steps kill only length / iterator facts (any list may be
//     the one changed: no alias analysis);
//   - frame slot stores, increfs, pushing a frame whose code makes no cells, and direct
//     calls of the builtins of jit/known_c.def (no code, no GC allocation) kill nothing.
// Releases the refcount pass inserts later (after each owned value's last use) count too:
// an owned value whose release may run code kills everything after each op where its
// release may land.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "jit/cpython.h"
#include "jit/passes/passes.h"

namespace janus::jit {

namespace {

enum class Kill : uint8_t { kNothing, kSequences, kAll };

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
    case Op::GUARD_FINITE_F64:
    case Op::GUARD_CFUNC_DEF:  // a builtin function object's m_ml never changes
      return true;
    case Op::GUARD_TYPE:
      return !PyType_HasFeature(reinterpret_cast<PyTypeObject*>(in.imm), Py_TPFLAGS_HEAPTYPE);
    default:
      return false;
  }
}

// Facts a list append or an iterator step may change.
bool is_sequence_fact(Op op) {
  return op == Op::GUARD_LEN || op == Op::GUARD_INDEX || op == Op::GUARD_ITER_NOT_DONE;
}

// Exact types whose deallocation runs no code (no finalizer, no contents to release).
bool harmless_dealloc_type(int64_t type) {
  return type == reinterpret_cast<int64_t>(&PyFloat_Type) ||
         type == reinterpret_cast<int64_t>(&PyLong_Type) ||
         type == reinterpret_cast<int64_t>(&PyBool_Type) ||
         type == reinterpret_cast<int64_t>(&PyUnicode_Type) ||
         type == reinterpret_cast<int64_t>(Py_TYPE(Py_None));
}

// Ops that no pass removes, so that a value's release (after its last use) never moves
// above them: effects, LOOP, and KEEP_ALIVE (the recorder's mark of where tier 0 releases
// a deferred local: the refcount pass releases the value right there, so a value whose
// only other uses are snapshots is not released anywhere before it).
bool stays_for_release(Op op) {
  return (op_info(op).flags & kEffect) || op == Op::LOOP || op == Op::KEEP_ALIVE;
}

class EffectModel {
 public:
  explicit EffectModel(const Trace& trace) : t_(trace), n_(static_cast<Ref>(trace.ops.size())) {
    find_harmless_values();
    find_release_ranges();
  }

  // What op r may change, given the facts live before it (a function version fact pins
  // the code PUSH_FRAME makes a frame for).
  Kill kill(Ref r, const std::set<std::tuple<int, Ref, Ref, int64_t, int32_t>>& facts) {
    const Instr& in = t_.ops[r];
    Kill k = Kill::kNothing;
    switch (in.op) {
      case Op::STORE_LOCAL:
      case Op::FRAME_STORE:
        note_store(r);
        break;
      case Op::INCREF:
      case Op::CODE_WARMUP:         // a code object's counter (and its quickening)
      case Op::ENTRY_OBJ:           // reads the entry buffer
      case Op::HOLD_GETATTR_FRAME:  // a per-thread C array entry and two increfs
        break;
      case Op::PUSH_FRAME:
        if (!pushes_cell_free_code(in, facts)) k = Kill::kAll;
        break;
      case Op::DECREF:
      case Op::XDECREF:
        if (!release_harmless(in.a, r)) k = Kill::kAll;
        break;
      case Op::APPEND:
      case Op::LIST_ITER_NEXT:
      case Op::RANGE_ITER_NEXT:
      case Op::EXTEND_LIST:
        k = Kill::kSequences;
        break;
      case Op::CALL_C:  // a builtin of jit/known_c.def changes nothing a guard saw
        if (!(in.aux & kCallRunsNoCode)) k = Kill::kAll;
        break;
      case Op::NEW_LIST:       // GC-tracked allocations (a collection may run finalizers)
      case Op::NEW_TUPLE:
      case Op::LIST_AS_TUPLE:
      case Op::SLICE:
      case Op::NAME_LOAD:      // a dict lookup may compare with a non-str key's __eq__
        k = Kill::kAll;
        break;
      default:
        if (op_info(in.op).flags & kEffect) k = Kill::kAll;
        break;
    }
    if (releases_after_[r]) k = Kill::kAll;
    return k;
  }

 private:
  Ref root(Ref r) const {
    while (r >= 0 && t_.ops[r].op == Op::NEWREF) r = t_.ops[r].a;
    return r;
  }

  // Values (by their NEWREF root) whose release can never run code: a trace constant (the
  // trace holds a reference while it runs), a fresh float, int or bool, or a value a guard
  // proves to be an exact float/int/bool/str/None (static types: their instances keep
  // them). proof_[root] is where that became known (the op itself, or the first such
  // guard); kNever when it never does.
  void find_harmless_values() {
    proof_.assign(n_, kNever);
    auto prove = [&](Ref v, Ref at) {
      v = root(v);
      if (v >= 0 && proof_[v] > at) proof_[v] = at;
    };
    for (Ref r = 0; r < n_; r++) {
      const Instr& in = t_.ops[r];
      if (in.dead) continue;
      switch (in.op) {
        case Op::CONST_OBJ:
        case Op::BOX_FLOAT:
        case Op::BOX_INT:
        case Op::BOX_BOOL:
          prove(r, r);
          break;
        case Op::GUARD_TYPE:
          if (harmless_dealloc_type(in.imm)) prove(in.a, r);
          break;
        case Op::GUARD_INT64:
          prove(in.a, r);
          break;
        case Op::GUARD_IS:
          if (in.imm == reinterpret_cast<int64_t>(Py_None) ||
              in.imm == reinterpret_cast<int64_t>(Py_True) ||
              in.imm == reinterpret_cast<int64_t>(Py_False)) {
            prove(in.a, r);
          }
          break;
        default:
          break;
      }
    }
  }

  // Whether releasing v right after op `at` runs no code. A release the refcount pass
  // inserts comes after the value's last use, so after every guard of it (at = n_).
  bool value_harmless(Ref v, Ref at) const {
    if (v == kNullValue) return true;
    v = root(v);
    return v >= 0 && proof_[v] <= at;
  }

  // The refcount pass releases each owned value after its last use: an operand, or a
  // snapshot of an exit some op may take. Removing guards only moves that earlier, never
  // before the last operand use: so the release may follow any op from the last operand
  // use to the last mention in any snapshot.
  void find_release_ranges() {
    releases_after_.assign(n_, false);
    std::vector<Ref> last_operand(n_, kNoRef), last_any(n_, kNoRef);
    auto use = [&](std::vector<Ref>& last, Ref v, Ref at) {
      if (v >= 0 && last[v] < at) last[v] = at;
    };
    for (Ref r = 0; r < n_; r++) {
      const Instr& in = t_.ops[r];
      if (in.dead) continue;
      // Only uses by ops that surely stay bound the release from below: this pass may
      // remove guards and DCE unused pure ops, and the release then moves up to the last
      // use left (an effect op, or a snapshot's mention).
      const bool stays = stays_for_release(in.op);
      for (Ref v : {in.a, in.b, in.c}) {
        if (stays) use(last_operand, v, r);
        use(last_any, v, r);
      }
      for (int i = 0; i < in.list_count; i++) {
        if (stays) use(last_operand, t_.lists[in.list_start + i], r);
        use(last_any, t_.lists[in.list_start + i], r);
      }
      if (in.exit >= 0) {
        for (const SnapEntry& e : t_.snapshots[in.exit].entries) use(last_any, e.ref, r);
      }
    }
    for (Ref v = 0; v < n_; v++) {
      const Instr& in = t_.ops[v];
      if (in.dead || in.type != Type::Obj || !(op_info(in.op).flags & kOwned)) continue;
      if (value_harmless(v, n_)) continue;
      const Ref from = std::max(v, last_operand[v]);
      const Ref to = std::max(from, last_any[v]);
      for (Ref r = from; r <= to; r++) releases_after_[r] = true;
    }
  }

  // A store's old value, where the trace knows it: the value an earlier store of this trace
  // put in the slot, or, in a frame this trace pushed, its argument or NULL (every other
  // local starts NULL; STORE_FAST never targets a cell or free variable's slot).
  void note_store(Ref r) {
    const Instr& in = t_.ops[r];
    const Ref frame = in.op == Op::FRAME_STORE ? in.a : kLoopFrameKey;
    const Ref value = in.op == Op::FRAME_STORE ? in.b : in.a;
    auto key = std::make_pair(frame, in.aux);
    auto it = stored_.find(key);
    if (it != stored_.end()) {
      old_value_[r] = it->second;
    } else if (frame >= 0 && t_.ops[frame].op == Op::PUSH_FRAME) {
      const Instr& push = t_.ops[frame];
      old_value_[r] = in.aux < push.list_count ? t_.lists[push.list_start + in.aux] : kNullValue;
    }
    stored_[key] = value;
  }

  // Whether the DECREF/XDECREF at `at` of `v` can never run code.
  bool release_harmless(Ref v, Ref at) const {
    const Instr& def = t_.ops[v];
    if (def.op == Op::STORE_LOCAL || def.op == Op::FRAME_STORE) {
      auto it = old_value_.find(v);
      return it != old_value_.end() && value_harmless(it->second, at);
    }
    return value_harmless(v, at);
  }

  // PUSH_FRAME allocates only the frame (data stack memory, not a GC object) unless its
  // code has cell variables (MAKE_CELL: a GC-tracked cell each). The code is known when the
  // function is a trace constant whose version a live fact pins (__code__ assignment
  // resets the version).
  bool pushes_cell_free_code(const Instr& in,
                             const std::set<std::tuple<int, Ref, Ref, int64_t, int32_t>>& facts) {
    const Ref fn = root(in.a);
    if (fn < 0 || t_.ops[fn].op != Op::CONST_OBJ) return false;
    auto* func = reinterpret_cast<PyObject*>(t_.ops[fn].imm);
    if (func == nullptr || !PyFunction_Check(func)) return false;
    const uint32_t version = reinterpret_cast<PyFunctionObject*>(func)->func_version;
    if (version == 0) return false;
    bool pinned = false;
    for (const auto& [op, a, b, imm, aux] : facts) {
      if (op == static_cast<int>(Op::GUARD_FUNC_VERSION) && root(a) == fn &&
          static_cast<uint32_t>(imm) == version) {
        pinned = true;
      }
    }
    auto* code = reinterpret_cast<PyCodeObject*>(PyFunction_GET_CODE(func));
    return pinned && code->co_ncellvars == 0;
  }

  static constexpr Ref kNullValue = -3;     // old value: NULL
  static constexpr Ref kNever = 0x7fffffff;
  static constexpr Ref kLoopFrameKey = -2;  // STORE_LOCAL's frame

  const Trace& t_;
  const Ref n_;
  std::vector<Ref> proof_;  // per NEWREF root: where its release became harmless
  std::vector<bool> releases_after_;
  std::map<std::pair<Ref, int32_t>, Ref> stored_;  // (frame, slot) -> last value stored
  std::map<Ref, Ref> old_value_;                   // store op -> the value it replaced
};

}  // namespace

void eliminate_redundant_guards(Trace& trace) {
  using Fact = std::tuple<int, Ref, Ref, int64_t, int32_t>;
  std::set<Fact> lasting, volatile_facts;
  EffectModel effects(trace);
  for (Ref r = 0; r < static_cast<Ref>(trace.ops.size()); r++) {
    Instr& in = trace.ops[r];
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
    switch (effects.kill(r, volatile_facts)) {
      case Kill::kNothing:
        break;
      case Kill::kSequences:
        for (auto it = volatile_facts.begin(); it != volatile_facts.end();) {
          it = is_sequence_fact(static_cast<Op>(std::get<0>(*it))) ? volatile_facts.erase(it)
                                                                   : std::next(it);
        }
        break;
      case Kill::kAll:
        volatile_facts.clear();
        break;
    }
  }
}

}  // namespace janus::jit
