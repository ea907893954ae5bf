// Stitched side traces (jit/README.md, item 6): ENTRY_* ops read the parent exit's buffer
// in both executors alike, a SIDE_END that leaves the loop head's state untouched may
// return kSideBackAtHead, and a loop trace compiled with ExitLinks calls the side trace
// linked to an exit from its exit stub and goes on at op 0 when it comes back. The
// hand-built traces count through a Python int local and append to a Python list: the
// oracle is CPython's list(range(...)) and the float64 math of the values.
#include "jit/backend_x64.h"
#include "jit/deopt.h"
#include "jit/ir.h"
#include "jit/trace.h"

#include "jit/cpython.h"

#include <gtest/gtest.h>

#include "tests/unit/jit_test_support.h"

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace janus::jit {
namespace {

using test::bits_of;
uint64_t raw(PyObject* o) { return reinterpret_cast<uint64_t>(o); }

PyCodeObject* frame_code() {
  static PyCodeObject* code = reinterpret_cast<PyCodeObject*>(
      Py_CompileString("x = 1\ny = x + 2\n", "<jit stitch test>", Py_file_input));
  return code;
}

Snapshot snap(Snapshot::Kind kind, int pc, std::vector<SnapEntry> entries = {}) {
  Snapshot s;
  s.kind = kind;
  s.pc = pc;
  for (const SnapEntry& e : entries) {
    if (e.kind == SnapEntry::Stack) s.stack_depth++;
  }
  s.entries = std::move(entries);
  return s;
}

// The frame the executors see (f_code only; helpers set its prev_instr), current while a
// trace runs, with the test's locals.
struct Frame {
  alignas(16) char memory[sizeof(_PyInterpreterFrame) + 64] = {};
  PyObject* locals[2] = {nullptr, nullptr};
  int breaker = 0;
  TraceContext ctx;
  Frame() {
    auto* frame = reinterpret_cast<_PyInterpreterFrame*>(memory);
    frame->f_code = frame_code();
    ctx.tstate = PyThreadState_Get();
    ctx.frame = frame;
    ctx.localsplus = locals;
    ctx.stack_base = nullptr;
    ctx.eval_breaker = &breaker;
  }
  int run(const std::function<int(TraceContext*)>& entry) {
    _PyInterpreterFrame* saved = ctx.tstate->cframe->current_frame;
    ctx.tstate->cframe->current_frame = ctx.frame;
    int exit = entry(&ctx);
    ctx.tstate->cframe->current_frame = saved;
    return exit;
  }
  ~Frame() {
    for (PyObject* o : locals) Py_XDECREF(o);
  }
};

class JitStitchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
    frame_code();
  }
  void TearDown() override {
    EXPECT_FALSE(PyErr_Occurred());
    PyErr_Clear();
  }
  static std::string repr(PyObject* o) {
    PyObject* r = PyObject_Repr(o);
    std::string s = r ? PyUnicode_AsUTF8(r) : "?";
    Py_XDECREF(r);
    return s;
  }
  // CPython's list(range(lo, hi)), as text.
  static std::string range_list(int lo, int hi) {
    std::string code = "list(range(" + std::to_string(lo) + ", " + std::to_string(hi) + "))";
    PyObject* globals = PyDict_New();
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject* r = PyRun_String(code.c_str(), Py_eval_input, globals, globals);
    std::string s = repr(r);
    Py_XDECREF(r);
    Py_DECREF(globals);
    return s;
  }
};

// Every ENTRY_* kind, in both executors: the values come from the entry buffer, unboxed ones
// stay unboxed, and the ENTRY_OBJ reference is the trace's to release.
TEST_F(JitStitchTest, EntryOpsReadTheParentsBuffer) {
  Trace t;
  t.side = true;
  IRBuilder b(t);
  Ref i = b.emit(Op::ENTRY_I64, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref f = b.emit(Op::ENTRY_F64, kNoRef, kNoRef, kNoRef, 0, 1);
  Ref flag = b.emit(Op::ENTRY_BOOL, kNoRef, kNoRef, kNoRef, 0, 2);
  Ref owned = b.emit(Op::ENTRY_OBJ, kNoRef, kNoRef, kNoRef, 0, 3);
  Ref borrowed = b.emit(Op::ENTRY_PTR, kNoRef, kNoRef, kNoRef, 0, 4);
  Ref sum = b.emit(Op::ADD_F64, b.emit(Op::I64_TO_F64, i), f);
  Ref alias = b.emit(Op::NEWREF, borrowed);
  b.emit(Op::DECREF, owned);
  int32_t end = b.add_snapshot(snap(Snapshot::Resume, 0,
                                    {{SnapEntry::Stack, 0, sum}, {SnapEntry::Stack, 1, flag},
                                     {SnapEntry::Stack, 2, alias}, {SnapEntry::Release, 0, alias}}));
  b.emit(Op::SIDE_END, kNoRef, kNoRef, kNoRef, 0, 0, end);
  ASSERT_EQ(verify(t), "");
  EXPECT_FALSE(exit_keeps_entry_state(t, end));
  std::string why;
  std::unique_ptr<MachineCode> code = compile(t, &why);
  ASSERT_NE(code, nullptr) << why;

  PyObject* kept = PyFloat_FromDouble(0.25);  // the borrowed value's owner
  for (int executor = 0; executor < 2; executor++) {
    PyObject* handed = PyLong_FromLong(123456789);  // the reference handed over
    Py_INCREF(handed);                              // ... and the test's own
    const Py_ssize_t kept_count = Py_REFCNT(kept);
    uint64_t entry[5] = {static_cast<uint64_t>(-7), bits_of(1.5), 1, raw(handed), raw(kept)};
    uint64_t out[4] = {};
    Frame fr;
    fr.ctx.entry_values = entry;
    fr.ctx.exit_values = out;
    int exit = fr.run(executor == 0 ? std::function<int(TraceContext*)>(
                                          [&](TraceContext* c) { return interpret(t, c); })
                                    : code->entry());
    ASSERT_EQ(exit, end) << "executor " << executor;
    EXPECT_EQ(out[0], bits_of(-7.0 + 1.5));
    EXPECT_EQ(out[1], 1u);
    EXPECT_EQ(out[2], raw(kept));
    EXPECT_EQ(Py_REFCNT(kept), kept_count + 1);  // the alias the exit releases
    Py_DECREF(kept);
    EXPECT_EQ(Py_REFCNT(handed), 1);  // the trace released the one it was handed
    Py_DECREF(handed);
  }
  Py_DECREF(kept);
}

// A counting loop: local 0 holds n (an int), local 1 a list. The loop trace runs odd n
// (append n, n += 1) and exits at even n (exit kEven, n on the stack, unboxed); its side
// trace runs even n below `limit` and returns to the loop head. n reaching 10 ends it.
struct Counting {
  Trace parent, side;
  int32_t even = -1, done = -1, side_limit_exit = -1, side_end = -1;
  std::unique_ptr<MachineCode> parent_code, side_code;
  std::unique_ptr<TraceEntry[]> slots;
  std::unique_ptr<int32_t[]> early_runs;
  unsigned long long entries = 0;

  explicit Counting(int64_t limit) {
    {
      IRBuilder b(parent);
      int32_t type = b.add_snapshot(snap(Snapshot::Resume, 0));
      done = b.add_snapshot(snap(Snapshot::Resume, 0));
      Ref n = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
      b.emit(Op::GUARD_INT64, n, kNoRef, kNoRef, 0, 0, type);
      Ref v = b.emit(Op::UNBOX_INT, n);
      Ref below = b.emit(Op::CMP_I64, v, b.const_i64(10), kNoRef, 0, Py_LT);
      b.emit(Op::GUARD_TRUE, below, kNoRef, kNoRef, 0, 0, done);
      Ref one = b.const_i64(1);
      even = b.add_snapshot(snap(Snapshot::Resume, 5, {{SnapEntry::Stack, 0, v}}));
      b.emit(Op::GUARD_NONZERO_I64, b.emit(Op::AND_I64, v, one), kNoRef, kNoRef, 0, 0, even);
      int32_t raise = b.add_snapshot(snap(Snapshot::RaiseAt, 5));
      b.emit(Op::APPEND, b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1), n, kNoRef, 0, 0,
             raise);
      Ref next = b.emit(Op::ADD_I64_OVF, v, one, kNoRef, 0, 0, type);
      Ref boxed = b.emit(Op::BOX_INT, next, kNoRef, kNoRef, 0, 0, raise);
      Ref old = b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0);
      b.emit(Op::DECREF, boxed);
      b.emit(Op::XDECREF, old);
      b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, b.add_snapshot(snap(Snapshot::Resume, 0)));
    }
    side.side = true;
    {
      IRBuilder b(side);
      Ref v = b.emit(Op::ENTRY_I64, kNoRef, kNoRef, kNoRef, 0, 0);
      Ref list = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
      side_limit_exit = b.add_snapshot(snap(Snapshot::Resume, 5, {{SnapEntry::Stack, 0, v}}));
      Ref below = b.emit(Op::CMP_I64, v, b.const_i64(limit), kNoRef, 0, Py_LT);
      b.emit(Op::GUARD_TRUE, below, kNoRef, kNoRef, 0, 0, side_limit_exit);
      int32_t raise = b.add_snapshot(snap(Snapshot::RaiseAt, 5, {{SnapEntry::Stack, 0, v}}));
      Ref item = b.emit(Op::BOX_INT, v, kNoRef, kNoRef, 0, 0, raise);
      b.emit(Op::APPEND, list, item, kNoRef, 0, 0, raise);
      b.emit(Op::DECREF, item);
      Ref next = b.emit(Op::ADD_I64_OVF, v, b.const_i64(1), kNoRef, 0, 0, side_limit_exit);
      Ref boxed = b.emit(Op::BOX_INT, next, kNoRef, kNoRef, 0, 0, raise);
      Ref old = b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0);
      b.emit(Op::DECREF, boxed);
      b.emit(Op::XDECREF, old);
      side_end = b.add_snapshot(snap(Snapshot::Resume, 0));
      b.emit(Op::SIDE_END, kNoRef, kNoRef, kNoRef, 0, 0, side_end);
    }
    const size_t nsnap = parent.snapshots.size();
    slots = std::make_unique<TraceEntry[]>(nsnap);
    early_runs = std::make_unique<int32_t[]>(nsnap);
    ExitLinks links{slots.get(), early_runs.get(), &entries};
    std::string why;
    parent_code = compile(parent, &why, nullptr, &links);
    EXPECT_NE(parent_code, nullptr) << why;
    side_code = compile(side, &why);
    EXPECT_NE(side_code, nullptr) << why;
  }
};

TEST_F(JitStitchTest, TracesAreWellFormed) {
  Counting c(100);
  EXPECT_EQ(verify(c.parent), "");
  EXPECT_EQ(verify(c.side), "");
  EXPECT_TRUE(exit_keeps_entry_state(c.side, c.side_end));
}

// Linked: one call of the loop trace runs every iteration, odd ones in the loop trace,
// even ones in the side trace its exit stub calls.
TEST_F(JitStitchTest, LinkedSideTraceRunsInsideTheLoopTrace) {
  Counting c(100);
  ASSERT_TRUE(c.parent_code && c.side_code);
  c.slots[c.even] = c.side_code->entry();
  c.early_runs[c.even] = 7;
  Frame fr;
  fr.locals[0] = PyLong_FromLong(0);
  fr.locals[1] = PyList_New(0);
  uint64_t values[8], side_values[kLinkedExitValues];
  fr.ctx.exit_values = values;
  fr.ctx.side_exit_values = side_values;
  int exit = fr.run(c.parent_code->entry());
  EXPECT_EQ(exit, c.done);
  EXPECT_EQ(fr.ctx.exit_id, c.done);
  EXPECT_EQ(fr.ctx.side_exit, -1);
  EXPECT_EQ(repr(fr.locals[1]), range_list(0, 10));
  EXPECT_EQ(PyLong_AsLong(fr.locals[0]), 10);
  EXPECT_EQ(fr.ctx.iterations, 10u);  // 5 in the loop trace, 5 side runs back at the head
  EXPECT_EQ(c.entries, 5u);
  EXPECT_EQ(c.early_runs[c.even], 0);
  EXPECT_EQ(fr.ctx.exit_values, values);  // the stub gave the loop trace its buffer back
}

// Unlinked, the exit is an ordinary one (tier 1 then runs the side trace from C++).
TEST_F(JitStitchTest, UnlinkedExitReturns) {
  Counting c(100);
  ASSERT_TRUE(c.parent_code);
  Frame fr;
  fr.locals[0] = PyLong_FromLong(0);
  fr.locals[1] = PyList_New(0);
  uint64_t values[8], side_values[kLinkedExitValues];
  fr.ctx.exit_values = values;
  fr.ctx.side_exit_values = side_values;
  EXPECT_EQ(fr.run(c.parent_code->entry()), c.even);
  EXPECT_EQ(values[0], 0u);
  EXPECT_EQ(fr.ctx.side_exit, -1);
  EXPECT_EQ(c.entries, 0u);
  // The side trace from that buffer, in both executors: the same effects; the compiled one
  // may return kSideBackAtHead (nothing stored), the interpreter its SIDE_END exit.
  for (int executor = 0; executor < 2; executor++) {
    uint64_t out[4];
    fr.ctx.entry_values = values;
    fr.ctx.exit_values = out;
    int exit = fr.run(executor == 0 ? std::function<int(TraceContext*)>(
                                          [&](TraceContext* ctx) { return interpret(c.side, ctx); })
                                    : c.side_code->entry());
    EXPECT_TRUE(exit == c.side_end || (executor == 1 && exit == kSideBackAtHead)) << exit;
    values[0] += 1;  // the second run goes on from n = 1, where the first one left n
  }
  EXPECT_EQ(repr(fr.locals[1]), "[0, 1]");
  EXPECT_EQ(PyLong_AsLong(fr.locals[0]), 2);
}

// The side trace leaves early (its guard fails at n == 6): the loop trace returns its own
// exit with side_exit / side_code naming where, the side trace's values in
// side_exit_values.
TEST_F(JitStitchTest, LinkedSideTraceLeavingEarlyIsReported) {
  Counting c(6);
  ASSERT_TRUE(c.parent_code && c.side_code);
  c.slots[c.even] = c.side_code->entry();
  Frame fr;
  fr.locals[0] = PyLong_FromLong(0);
  fr.locals[1] = PyList_New(0);
  uint64_t values[8], side_values[kLinkedExitValues];
  fr.ctx.exit_values = values;
  fr.ctx.side_exit_values = side_values;
  EXPECT_EQ(fr.run(c.parent_code->entry()), c.even);
  EXPECT_EQ(fr.ctx.exit_id, c.even);
  EXPECT_EQ(fr.ctx.side_exit, c.side_limit_exit);
  EXPECT_EQ(fr.ctx.side_code, c.side_code->entry());
  EXPECT_EQ(values[0], 6u);
  EXPECT_EQ(side_values[0], 6u);
  EXPECT_EQ(repr(fr.locals[1]), range_list(0, 6));
  EXPECT_EQ(c.entries, 4u);  // n = 0, 2, 4, 6
}

// With the eval breaker set, the side trace's SIDE_END takes its exit (tier 0 must run the
// handlers), reported as a side exit.
TEST_F(JitStitchTest, EvalBreakerStopsAtTheSideEnd) {
  Counting c(100);
  ASSERT_TRUE(c.parent_code && c.side_code);
  c.slots[c.even] = c.side_code->entry();
  Frame fr;
  fr.breaker = 1;
  fr.locals[0] = PyLong_FromLong(0);
  fr.locals[1] = PyList_New(0);
  uint64_t values[8], side_values[kLinkedExitValues];
  fr.ctx.exit_values = values;
  fr.ctx.side_exit_values = side_values;
  EXPECT_EQ(fr.run(c.parent_code->entry()), c.even);
  EXPECT_EQ(fr.ctx.side_exit, c.side_end);
  EXPECT_EQ(repr(fr.locals[1]), "[0]");
  EXPECT_EQ(PyLong_AsLong(fr.locals[0]), 1);
}

}  // namespace
}  // namespace janus::jit
