// Small pieces the jit/ unit tests share (hand-built traces run against Python itself).
#pragma once

#include "jit/backend_x64.h"
#include "jit/cpython.h"
#include "jit/ir.h"
#include "jit/runtime.h"
#include "jit/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace janus::jit::test {

// The bit pattern of a double, as F64 values travel in raw 64-bit slots.
inline uint64_t bits_of(double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

// Evaluates a Python expression in a namespace holding `source`'s definitions (a new
// reference; the test fails when either part raises).
inline PyObject* eval_python(const char* expr, const char* source = "") {
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(source, Py_file_input, ns, ns);
  EXPECT_NE(r, nullptr);
  Py_XDECREF(r);
  PyObject* value = PyRun_String(expr, Py_eval_input, ns, ns);
  if (value == nullptr) PyErr_Print();
  EXPECT_NE(value, nullptr);
  Py_DECREF(ns);
  return value;
}

// One run of a trace the way tier 1 enters one: a stand-in loop frame of `code` whose
// locals are `locals`, the thread's current frame while the trace runs; the exit values
// land in `exit_values` (as many slots as any snapshot needs). Set ctx fields or the thread
// state before run() for a test's variations.
struct LoopFrameRun {
  LoopFrameRun(const Trace& trace, PyCodeObject* code, PyObject** locals)
      : exit_values(std::max(1, max_exit_values(trace)), 0) {
    frame = reinterpret_cast<_PyInterpreterFrame*>(frame_memory);
    frame->f_code = code;
    ctx.tstate = PyThreadState_Get();
    ctx.frame = frame;
    ctx.localsplus = locals;
    ctx.eval_breaker = &breaker;
    ctx.exit_values = exit_values.data();
  }
  LoopFrameRun(const LoopFrameRun&) = delete;
  LoopFrameRun& operator=(const LoopFrameRun&) = delete;

  // The machine code (compiled) or the IR interpreter; the exit taken.
  int run(const Trace& trace, const MachineCode* machine, bool compiled) {
    _PyInterpreterFrame* saved = ctx.tstate->cframe->current_frame;
    ctx.tstate->cframe->current_frame = frame;
    const int exit = compiled ? machine->entry()(&ctx) : interpret(trace, &ctx);
    current_after = ctx.tstate->cframe->current_frame;
    ctx.tstate->cframe->current_frame = saved;
    return exit;
  }

  alignas(16) char frame_memory[sizeof(_PyInterpreterFrame) + 64] = {};
  _PyInterpreterFrame* frame;
  int breaker = 0;
  std::vector<uint64_t> exit_values;
  TraceContext ctx;
  _PyInterpreterFrame* current_after = nullptr;  // the thread's current frame at the return
};

// A raise snapshot (an exception is set: tier 0 unwinds from the instruction; never forced)
// writing `entries`.
inline Snapshot raise_snapshot(std::vector<SnapEntry> entries = {}) {
  Snapshot s;
  s.kind = Snapshot::RaiseAt;
  s.forceable = false;
  s.entries = std::move(entries);
  return s;
}

// The end of a hand-built trace: a guard that always fails into `done` (added here; its
// index is returned), then the LOOP (same exit), so each run leaves through `done` once.
inline int32_t leave_through(IRBuilder& b, const Snapshot& done) {
  const int32_t exit = b.add_snapshot(done);
  Ref yes = b.const_bool(true);
  b.emit(Op::GUARD_FALSE, yes, kNoRef, kNoRef, 0, 0, exit);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, exit);
  return exit;
}

// A hand-built trace of one instance-attribute access (the attribute tests' and the inline
// backend tests' subject): local 0 is the object, local 1 the value a store writes (or the
// constant `stored`). Exits: 0 = the type guards, 1 = GUARD_ATTR_SLOT, 2 = SET_ATTR_SLOT
// raised, `done` after the read (stack 0 = the value, owned; kAbsent: only the guard,
// nothing read). `apart`: a release (of a reference taken first) between the type guards
// and GUARD_ATTR_SLOT and between it and SET_ATTR_SLOT, so that neither guard is adjacent
// to the op after it (the backend then trusts neither: its other form). `dict_hint`: the
// trace also holds a removed (dead) dict-hint guard of the object, the backend's hint that
// it had a dict when recorded (a not-shadowed check then looks at the dict first).
enum class AttrMode { kLoad, kStore, kAbsent };

struct AttrTrace {
  Trace trace;
  std::unique_ptr<MachineCode> code;
  std::string listing;  // the machine code's listing
  int32_t done = -1;
};

inline std::unique_ptr<AttrTrace> build_attr_trace(PyTypeObject* tp, PyObject* name, int32_t aux,
                                                   AttrMode mode, bool apart = false,
                                                   PyObject* stored = nullptr,
                                                   bool dict_hint = false) {
  auto t = std::make_unique<AttrTrace>();
  IRBuilder b(t->trace);
  Ref obj = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref value = stored != nullptr ? b.const_obj(stored)
                                : b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  auto release_between = [&] {
    if (!apart) return;
    b.emit(Op::INCREF, obj);
    b.emit(Op::DECREF, obj);
  };
  Snapshot guard_exit;
  guard_exit.entries = {{SnapEntry::Local, 0, obj}};
  int32_t type_exit = b.add_snapshot(guard_exit);
  int32_t slot_exit = b.add_snapshot(guard_exit);
  int32_t raised = b.add_snapshot(raise_snapshot());
  b.emit(Op::GUARD_TYPE, obj, kNoRef, kNoRef, reinterpret_cast<int64_t>(tp), 0, type_exit);
  Ref type = b.const_obj(reinterpret_cast<PyObject*>(tp));
  b.emit(Op::GUARD_TYPE_VERSION, type, kNoRef, kNoRef, tp->tp_version_tag, 0, type_exit);
  const int64_t imm = reinterpret_cast<int64_t>(name);
  if (dict_hint) {
    Ref hint = b.emit(Op::GUARD_ATTR_SLOT, obj, kNoRef, kNoRef, imm, rt::kAttrDictHint, slot_exit);
    t->trace.ops[hint].dead = true;
  }
  release_between();
  b.emit(Op::GUARD_ATTR_SLOT, obj, kNoRef, kNoRef, imm, aux, slot_exit);
  release_between();
  if (mode == AttrMode::kStore) b.emit(Op::SET_ATTR_SLOT, obj, value, kNoRef, imm, aux, raised);
  Snapshot done;
  if (mode != AttrMode::kAbsent) {
    Ref item = b.emit(Op::ATTR_SLOT, obj, kNoRef, kNoRef, imm, aux);
    done.entries = {{SnapEntry::Stack, 0, item}, {SnapEntry::Release, 0, item}};
  }
  t->done = leave_through(b, done);
  std::string why;
  t->code = compile(t->trace, &why, &t->listing);
  EXPECT_NE(t->code, nullptr) << why;
  return t;
}

struct AttrOutcome {
  int exit = -1;
  PyObject* value = nullptr;  // the done exit's value (owned), else NULL
};

// One run of `t` on object `o` (value `v` for a store) in a loop frame of `code`.
inline AttrOutcome run_attr_trace(const AttrTrace& t, PyCodeObject* code, bool compiled,
                                  PyObject* o, PyObject* v) {
  PyObject* locals[2] = {o, v};
  LoopFrameRun loop(t.trace, code, locals);
  AttrOutcome r;
  r.exit = loop.run(t.trace, t.code.get(), compiled);
  if (r.exit == t.done && !t.trace.snapshots[t.done].entries.empty()) {
    r.value = reinterpret_cast<PyObject*>(loop.exit_values[0]);
  }
  return r;
}

// o.attr with both executors: the same exit, at the done exit CPython's getattr (each
// executor handing over one new reference), and o's count unchanged. Returns the exit.
inline int load_attr_both(const AttrTrace& t, PyCodeObject* code, PyObject* o, const char* attr) {
  Py_ssize_t before = Py_REFCNT(o);
  AttrOutcome a = run_attr_trace(t, code, false, o, Py_None);
  AttrOutcome b = run_attr_trace(t, code, true, o, Py_None);
  EXPECT_EQ(a.exit, b.exit);
  if (a.exit == t.done && b.exit == t.done) {
    PyObject* oracle = PyObject_GetAttrString(o, attr);
    EXPECT_EQ(a.value, oracle);
    EXPECT_EQ(b.value, oracle);
    Py_ssize_t rc = Py_REFCNT(oracle);
    Py_DECREF(a.value);
    Py_DECREF(b.value);
    EXPECT_EQ(Py_REFCNT(oracle), rc - 2);
    Py_DECREF(oracle);
  }
  EXPECT_EQ(Py_REFCNT(o), before);
  return a.exit;
}

}  // namespace janus::jit::test
