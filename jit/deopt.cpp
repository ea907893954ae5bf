// Exits land here (see deopt.h). Order matters for reference counts: every new value is
// made (and owned) before any old one is released, because a value a snapshot names may
// be borrowed from the very slot it overwrites (a, b = b, a).
#include "jit/deopt.h"

#include <algorithm>
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

// The bound method a sunk DESCR_GET stands for (passes/sink.cpp): what LOAD_ATTR would have
// made, descr.__get__(self, type(self)).
PyObject* bind(PyObject* descr, uint64_t raw) {
  auto* self = reinterpret_cast<PyObject*>(raw);
  return Py_TYPE(descr)->tp_descr_get(descr, self, reinterpret_cast<PyObject*>(Py_TYPE(self)));
}

// Scratch space for one exit without heap allocation in the common case (an exit is taken
// on every trace run: these buffers used to be most of its cost).
template <typename T, size_t N>
class Scratch {
 public:
  explicit Scratch(size_t n, T init) : data_(n <= N ? small_ : (large_.assign(n, init), large_.data())) {
    if (n <= N) std::fill(small_, small_ + n, init);
  }
  T& operator[](size_t i) { return data_[i]; }

 private:
  T small_[N];
  std::vector<T> large_;
  T* data_;
};

}  // namespace

int deoptimize(const Trace& trace, int exit, const uint64_t* values, _PyInterpreterFrame* frame) {
  const Snapshot& snap = trace.snapshots[exit];
  const size_t n = snap.entries.size();
  // frames[d]: the frame at depth d (0 = the loop's; inlined callees above it, still linked
  // on the thread's frame chain: tier 0 continues the innermost, tstate's current frame).
  const size_t depth = snap.callers.size();
  Scratch<_PyInterpreterFrame*, 8> frames(depth + 1, frame);
  Scratch<PyObject*, 64> fresh(n, nullptr);
  bool boxing_failed = false;
  for (size_t i = 0; i < n; i++) {
    const SnapEntry& e = snap.entries[i];
    if (e.kind == SnapEntry::FramePtr) {
      frames[e.index] = reinterpret_cast<_PyInterpreterFrame*>(values[i]);
      continue;
    }
    if (e.kind == SnapEntry::Release) continue;
    Type type = trace.ops[e.ref].type;
    fresh[i] = e.bind != nullptr ? bind(static_cast<PyObject*>(e.bind), values[i]) : box(type, values[i]);
    if (fresh[i] == nullptr && (type != Type::Obj || e.bind != nullptr)) {
      boxing_failed = true;  // MemoryError set
    }
  }
  PyObject** stack = _PyFrame_Stackbase(frame);
  // The values the frames held before (released last): the loop-head stack (the only
  // stack a trace enters with: the inlined frames above it, a side trace's entry frames
  // too, were pushed by the trace's parent with empty stacks), then each local a snapshot
  // entry overwrites.
  Scratch<PyObject*, 64> old(trace.entry_stack_depth + n, nullptr);
  size_t nold = 0;
  for (int i = 0; i < trace.entry_stack_depth; i++) {
    old[nold++] = stack[i];
    stack[i] = nullptr;
  }
  for (size_t i = 0; i < n; i++) {
    const SnapEntry& e = snap.entries[i];
    _PyInterpreterFrame* f = frames[e.depth];
    if (e.kind == SnapEntry::Stack) {
      _PyFrame_Stackbase(f)[e.index] = fresh[i];
    } else if (e.kind == SnapEntry::Local) {
      old[nold++] = f->localsplus[e.index];
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
  for (size_t i = 0; i < nold; i++) Py_XDECREF(old[i]);
  for (size_t i = 0; i < n; i++) {
    if (snap.entries[i].kind == SnapEntry::Release) {
      Py_XDECREF(reinterpret_cast<PyObject*>(values[i]));
    }
  }
  return raise ? vm::kRaiseAt : vm::kResumed;
}

int resume_at_loop_head(const Trace& trace, _PyInterpreterFrame* frame) {
  PyCodeObject* code = frame->f_code;
  frame->stacktop = code->co_nlocalsplus + trace.entry_stack_depth;
  frame->prev_instr = _PyCode_CODE(code) + trace.loop_head - 1;
  return vm::kResumed;
}

bool exit_keeps_entry_state(const Trace& trace, int exit) {
  const Snapshot& snap = trace.snapshots[exit];
  if (snap.kind != Snapshot::Resume || !snap.callers.empty() || snap.pc != trace.loop_head ||
      snap.stack_depth != trace.entry_stack_depth ||
      snap.entries.size() != static_cast<size_t>(trace.entry_stack_depth)) {
    return false;
  }
  for (size_t i = 0; i < snap.entries.size(); i++) {
    const SnapEntry& e = snap.entries[i];
    const Instr& in = trace.ops[e.ref];
    if (e.kind != SnapEntry::Stack || e.depth != 0 || e.index != static_cast<int32_t>(i) ||
        in.op != Op::LOAD_STACK || in.aux != e.index) {
      return false;
    }
  }
  return true;
}

}  // namespace janus::jit
