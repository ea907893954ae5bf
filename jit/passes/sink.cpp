// Allocation sinking of bound builtin methods. `random = self.random` followed by
// `random()` makes a bound method object (DESCR_GET of a method descriptor: a GC-tracked
// allocation, and its release) only to call its C function with `self`. When nothing but
// such calls sees the object, the trace never makes it:
//   - the DESCR_GET becomes NEWREF of its receiver (the reference the bound method would
//     have held on it, released where the method would have been);
//   - CALL_Cs of it call the same PyMethodDef with the receiver as self (they already do:
//     their self is LOAD_FIELD m_self of it, now the receiver itself) and name the
//     descriptor as their callable (CPython's error for a NULL result without an exception
//     names it);
//   - the guards that it is a builtin method of that def are true by construction: gone;
//   - every snapshot entry that holds it becomes a `bind` entry: the exit stores the
//     receiver and deoptimize makes the bound method tier 0 would have had (a side trace
//     starting there re-binds it: record.cpp start_side).
// Any other use (an argument, a store into a real frame slot, a container, a call of
// another def) keeps the object.
#include <cstddef>
#include <vector>

#include "jit/cpython.h"
#include "jit/passes/passes.h"

namespace janus::jit {

namespace {

// The DESCR_GET a value is (through NEWREF aliases), or kNoRef.
Ref bound_method_of(const Trace& trace, Ref r) {
  while (r >= 0 && trace.ops[r].op == Op::NEWREF) r = trace.ops[r].a;
  if (r < 0 || trace.ops[r].op != Op::DESCR_GET) return kNoRef;
  return r;
}

PyMethodDef* method_def(const Instr& descr_get) {
  auto* descr = reinterpret_cast<PyObject*>(descr_get.imm);
  if (!Py_IS_TYPE(descr, &PyMethodDescr_Type)) return nullptr;
  PyMethodDef* def = reinterpret_cast<PyMethodDescrObject*>(descr)->d_method;
  // METH_METHOD binds the defining class too (PyCMethod_New); CALL_C never calls one.
  if (def->ml_flags & (METH_METHOD | METH_CLASS | METH_STATIC)) return nullptr;
  return def;
}

}  // namespace

void sink_bound_methods(Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  std::vector<bool> sinkable(n, false);
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (!in.dead && in.op == Op::DESCR_GET && method_def(in) != nullptr) sinkable[r] = true;
  }
  // Which uses are allowed (see the top); everything else keeps the object.
  auto escapes = [&](Ref v) {
    const Ref m = bound_method_of(trace, v);
    if (m >= 0) sinkable[m] = false;
  };
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (in.dead) continue;
    for (int i = 0; i < in.list_count; i++) escapes(trace.lists[in.list_start + i]);
    const Ref m = bound_method_of(trace, in.a);
    const bool fine =
        m >= 0 && (in.op == Op::NEWREF || in.op == Op::DECREF || in.op == Op::XDECREF ||
                   in.op == Op::KEEP_ALIVE ||
                   (in.op == Op::GUARD_TYPE && in.imm == reinterpret_cast<int64_t>(&PyCFunction_Type)) ||
                   (in.op == Op::GUARD_CFUNC_DEF &&
                    in.imm == reinterpret_cast<int64_t>(method_def(trace.ops[m]))) ||
                   (in.op == Op::LOAD_FIELD && in.aux == offsetof(PyCFunctionObject, m_self)) ||
                   (in.op == Op::CALL_C &&
                    in.imm == reinterpret_cast<int64_t>(method_def(trace.ops[m]))));
    if (!fine) escapes(in.a);
    escapes(in.b);
    escapes(in.c);
  }
  // A CALL_C's self must be the method's own m_self (it is what the recorder loads).
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (in.dead || in.op != Op::CALL_C) continue;
    const Ref m = bound_method_of(trace, in.a);
    if (m < 0 || !sinkable[m]) continue;
    const Ref self = in.list_count > 0 ? trace.lists[in.list_start] : kNoRef;
    const Instr* load = self >= 0 ? &trace.ops[self] : nullptr;
    if (load == nullptr || load->op != Op::LOAD_FIELD || bound_method_of(trace, load->a) != m) {
      sinkable[m] = false;
    }
  }

  std::vector<Ref> replacement(n, kNoRef);
  bool any = false;
  for (Ref r = 0; r < n; r++) {
    Instr& in = trace.ops[r];
    if (in.dead) continue;
    const Ref m = bound_method_of(trace, in.a);
    if (m < 0 || !sinkable[m] || r == m) continue;
    switch (in.op) {
      case Op::GUARD_TYPE:
      case Op::GUARD_CFUNC_DEF:
        in.dead = true;
        break;
      case Op::LOAD_FIELD:  // m_self: the receiver
        replacement[r] = trace.ops[m].a;
        in.dead = true;
        break;
      case Op::CALL_C:
        in.a = trace.ops[m].b;  // the descriptor (a trace constant)
        break;
      default:
        break;
    }
  }
  for (Snapshot& s : trace.snapshots) {
    for (SnapEntry& e : s.entries) {
      if (e.kind != SnapEntry::Local && e.kind != SnapEntry::Stack) continue;
      const Ref m = bound_method_of(trace, e.ref);
      if (m >= 0 && sinkable[m]) e.bind = reinterpret_cast<void*>(trace.ops[m].imm);
    }
  }
  for (Ref r = 0; r < n; r++) {
    if (!sinkable[r]) continue;
    any = true;
    Instr& in = trace.ops[r];
    in.op = Op::NEWREF;
    in.b = kNoRef;
    in.imm = 0;
    in.exit = -1;
  }
  if (any) replace_uses(trace, replacement);
}

}  // namespace janus::jit
