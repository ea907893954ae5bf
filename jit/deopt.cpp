// Exits land here (see deopt.h). Order matters for reference counts: every new value is
// made (and owned) before any old one is released, because a value a snapshot names may
// be borrowed from the very slot it overwrites (a, b = b, a).
#include "jit/deopt.h"

#include <cstring>
#include <vector>

#include "vm/vm.h"

namespace janus::jit {

namespace {

// A new reference to the boxed value of `raw` (nullptr stays nullptr for Obj).
PyObject* box(Type type, uint64_t raw) {
  switch (type) {
    case Type::Obj: {
      auto* o = reinterpret_cast<PyObject*>(raw);
      Py_XINCREF(o);
      return o;
    }
    case Type::I64: return PyLong_FromLongLong(static_cast<int64_t>(raw));
    case Type::F64: {
      double d;
      std::memcpy(&d, &raw, sizeof d);
      return PyFloat_FromDouble(d);
    }
    case Type::Bool: return Py_NewRef(raw ? Py_True : Py_False);
    case Type::Void: break;
  }
  return nullptr;
}

}  // namespace

int deoptimize(const Trace& trace, int exit, const uint64_t* values, _PyInterpreterFrame* frame) {
  const Snapshot& snap = trace.snapshots[exit];
  const size_t n = snap.entries.size();
  // frames[d]: the frame at depth d (0 = the loop's; inlined callees above it, still linked
  // on the thread's frame chain: tier 0 continues the innermost, tstate's current frame).
  const size_t depth = snap.callers.size();
  std::vector<_PyInterpreterFrame*> frames(depth + 1, frame);
  std::vector<PyObject*> fresh(n, nullptr);
  bool boxing_failed = false;
  for (size_t i = 0; i < n; i++) {
    const SnapEntry& e = snap.entries[i];
    if (e.kind == SnapEntry::FramePtr) {
      frames[e.index] = reinterpret_cast<_PyInterpreterFrame*>(values[i]);
      continue;
    }
    if (e.kind == SnapEntry::Release) continue;
    Type type = trace.ops[e.ref].type;
    fresh[i] = box(type, values[i]);
    if (fresh[i] == nullptr && type != Type::Obj) boxing_failed = true;  // MemoryError set
  }
  PyObject** stack = _PyFrame_Stackbase(frame);
  std::vector<PyObject*> old;
  old.reserve(trace.entry_stack_depth + n);
  for (int i = 0; i < trace.entry_stack_depth; i++) {
    old.push_back(stack[i]);
    stack[i] = nullptr;
  }
  for (size_t i = 0; i < n; i++) {
    const SnapEntry& e = snap.entries[i];
    _PyInterpreterFrame* f = frames[e.depth];
    if (e.kind == SnapEntry::Stack) {
      _PyFrame_Stackbase(f)[e.index] = fresh[i];
    } else if (e.kind == SnapEntry::Local) {
      old.push_back(f->localsplus[e.index]);
      f->localsplus[e.index] = fresh[i];
    }
  }
  // Callers continue after their CALL (tier 0's inline-call state: prev_instr is the
  // instruction before the resume point, the stack below the call's operands).
  for (size_t d = 0; d < depth; d++) {
    PyCodeObject* code = frames[d]->f_code;
    frames[d]->stacktop = code->co_nlocalsplus + snap.callers[d].stack_depth;
    frames[d]->prev_instr = _PyCode_CODE(code) + snap.callers[d].pc - 1;
  }
  _PyInterpreterFrame* inner = frames[depth];
  PyCodeObject* code = inner->f_code;
  inner->stacktop = code->co_nlocalsplus + snap.stack_depth;
  bool raise = snap.kind == Snapshot::RaiseAt || boxing_failed;
  // kRaiseAt: prev_instr is the faulting instruction; kResumed: the one before the resume
  // point (tier 0 continues at prev_instr + 1).
  inner->prev_instr = _PyCode_CODE(code) + snap.pc - (raise ? 0 : 1);
  // Releasing may run finalizers: the frames are complete and consistent by now.
  for (PyObject* o : old) Py_XDECREF(o);
  for (size_t i = 0; i < n; i++) {
    if (snap.entries[i].kind == SnapEntry::Release) {
      Py_XDECREF(reinterpret_cast<PyObject*>(values[i]));
    }
  }
  return raise ? vm::kRaiseAt : vm::kResumed;
}

}  // namespace janus::jit
