// Unit tests for the tier-1 IR pieces a Python program cannot reach one by one: the op
// table, the builder/verifier/printer, the IR interpreter on hand-built traces (results
// checked against plain C++ arithmetic), and each pass on hand-built IR. Runs in an
// embedded CPython (constants and helpers are Python objects).
#include "jit/cpython.h"

#include <internal/pycore_function.h>  // _PyFunction_GetVersionForCurrentState

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "jit/passes/passes.h"
#include "jit/runtime.h"
#include "jit/trace.h"

namespace janus::jit {
namespace {

class JitIrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
  }
  void SetUp() override { set_force_deopt_period(0); }
};

// A frame stand-in: locals the trace reads and writes, and a breaker that is never set.
struct FakeFrame {
  std::vector<PyObject*> locals;
  int breaker = 0;
  std::vector<uint64_t> exits;
  TraceContext ctx;
  FakeFrame(std::vector<PyObject*> values, const Trace& trace) : locals(std::move(values)) {
    exits.resize(std::max(1, max_exit_values(trace)));
    ctx.localsplus = locals.data();
    ctx.stack_base = locals.data();
    ctx.eval_breaker = &breaker;
    ctx.exit_values = exits.data();
  }
  ~FakeFrame() {
    for (PyObject* o : locals) Py_XDECREF(o);
  }
};

// i = local 0; loop: i += step (exit on overflow); exit when not (i < limit); store i.
std::unique_ptr<Trace> counting_loop(int64_t step, int64_t limit) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  Snapshot start;
  start.pc = 0;
  start.forceable = true;
  int32_t s0 = b.add_snapshot(start);
  Ref i = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  b.emit(Op::GUARD_INT64, i, kNoRef, kNoRef, 0, 0, s0);
  Ref iv = b.emit(Op::UNBOX_INT, i);
  Ref next = b.emit(Op::ADD_I64_OVF, iv, b.const_i64(step), kNoRef, 0, 0, s0);
  Ref below = b.emit(Op::CMP_I64, next, b.const_i64(limit), kNoRef, 0, Py_LT);
  Snapshot done;
  done.pc = 1;
  done.entries.push_back({SnapEntry::Stack, 0, next});
  done.stack_depth = 1;
  int32_t s1 = b.add_snapshot(done);
  b.emit(Op::GUARD_TRUE, below, kNoRef, kNoRef, 0, 0, s1);
  Ref boxed = b.emit(Op::BOX_INT, next, kNoRef, kNoRef, 0, 0, s0);
  Ref old = b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0);
  b.emit(Op::XDECREF, old);
  Snapshot head;
  int32_t s2 = b.add_snapshot(head);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s2);
  return t;
}

TEST_F(JitIrTest, OpTableIsConsistent) {
  for (int i = 0; i < kOpCount; i++) {
    const OpInfo& info = op_info(static_cast<Op>(i));
    ASSERT_NE(info.name, nullptr);
    EXPECT_GE(info.operands, 0);
    EXPECT_LE(info.operands, 3);
    // Call ops have exactly their helper; inline ops none.
    EXPECT_EQ(rt::call_helper(i) != nullptr, info.lowering == Lowering::Call) << info.name;
    EXPECT_EQ(rt::callv_helper(i) != nullptr, info.lowering == Lowering::CallV) << info.name;
    // kOwned results are objects; guards and raising ops need an exit (checked by verify).
    if (info.flags & kOwned) {
      EXPECT_EQ(info.result, Type::Obj) << info.name;
    }
  }
}

TEST_F(JitIrTest, VerifierRejectsMalformedTraces) {
  auto t = counting_loop(1, 10);
  EXPECT_EQ(verify(*t), "");
  t->ops[3].a = 40;  // a use before definition
  EXPECT_NE(verify(*t), "");
  auto u = counting_loop(1, 10);
  u->ops.pop_back();  // no LOOP at the end
  EXPECT_NE(verify(*u), "");
  auto w = counting_loop(1, 10);
  w->ops[1].exit = 99;  // a guard exiting nowhere
  EXPECT_NE(verify(*w), "");
}

TEST_F(JitIrTest, PrinterShowsEveryLiveOpAndSnapshot) {
  auto t = counting_loop(1, 10);
  std::string text = print_trace(*t);
  int lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, static_cast<int>(t->ops.size() + t->snapshots.size()));
  for (const Instr& in : t->ops) EXPECT_NE(text.find(op_info(in.op).name), std::string::npos);
  t->ops[4].dead = true;
  EXPECT_EQ(print_trace(*t).find("0004 "), std::string::npos);
}

TEST_F(JitIrTest, InterpreterRunsUntilTheLoopGuardFails) {
  for (int64_t start : {0, 5, -20}) {
    auto t = counting_loop(3, 40);
    FakeFrame f({PyLong_FromLongLong(start)}, *t);
    int exit = interpret(*t, &f.ctx);
    // Oracle: the same loop in C++.
    int64_t i = start, iterations = 0;
    while (i + 3 < 40) {
      i += 3;
      iterations++;
    }
    EXPECT_EQ(exit, 1);
    EXPECT_EQ(f.ctx.iterations, static_cast<uint64_t>(iterations));
    EXPECT_EQ(PyLong_AsLongLong(f.locals[0]), i);
    EXPECT_EQ(static_cast<int64_t>(f.exits[0]), i + 3);  // the value the exit names
  }
}

TEST_F(JitIrTest, InterpreterExitsBeforeAnOverflowingAdd) {
  auto t = counting_loop(1, INT64_MAX);
  int64_t start = INT64_MAX - 5;
  FakeFrame f({PyLong_FromLongLong(start)}, *t);
  int exit = interpret(*t, &f.ctx);
  EXPECT_EQ(exit, 1);  // i + 1 < INT64_MAX fails first, at INT64_MAX
  auto u = counting_loop(7, INT64_MAX);
  FakeFrame g({PyLong_FromLongLong(start)}, *u);
  EXPECT_EQ(interpret(*u, &g.ctx), 0);  // the overflow guard (snapshot 0)
  EXPECT_EQ(PyLong_AsLongLong(g.locals[0]), start);
}

TEST_F(JitIrTest, InterpreterUnboxGuardRejectsBigAndNonInts) {
  auto t = counting_loop(1, 10);
  PyObject* big = PyLong_FromString("123456789012345678901234567890", nullptr, 10);
  FakeFrame f({big}, *t);
  EXPECT_EQ(interpret(*t, &f.ctx), 0);
  FakeFrame g({PyFloat_FromDouble(1.5)}, *t);
  EXPECT_EQ(interpret(*t, &g.ctx), 0);
}

TEST_F(JitIrTest, ForcedDeoptsFollowOneSeededSequence) {
  auto t = counting_loop(1, 1000);
  std::vector<int> first, second;
  for (std::vector<int>* run : {&first, &second}) {
    set_force_deopt_period(3);
    for (int k = 0; k < 20; k++) {
      FakeFrame f({PyLong_FromLongLong(0)}, *t);
      interpret(*t, &f.ctx);
      run->push_back(static_cast<int>(f.ctx.iterations));
    }
  }
  EXPECT_EQ(first, second);
  int forced_early = 0;
  for (int n : first) forced_early += n < 999;
  EXPECT_GT(forced_early, 15);  // P(a guard survives 2 rolls per iteration) is tiny
}

TEST_F(JitIrTest, FloatOpsMatchDoubleArithmetic) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref x = b.emit(Op::UNBOX_FLOAT, b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0));
  Ref y = b.emit(Op::I64_TO_F64, b.const_i64(-7));
  Ref q = b.emit(Op::DIV_F64, b.emit(Op::MUL_F64, x, x), b.emit(Op::SUB_F64, y, x));
  Ref neg = b.emit(Op::NEG_F64, b.emit(Op::ADD_F64, q, y));
  Snapshot out;
  out.entries.push_back({SnapEntry::Stack, 0, neg});
  out.entries.push_back({SnapEntry::Stack, 1, b.emit(Op::CMP_F64, neg, x, kNoRef, 0, Py_GT)});
  out.stack_depth = 2;
  b.emit(Op::GUARD_FALSE, b.const_bool(true), kNoRef, kNoRef, 0, 0, b.add_snapshot(out));
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  ASSERT_EQ(verify(*t), "");
  for (double xv : {1.25, -3.5, 1e300, 0.0}) {
    FakeFrame f({PyFloat_FromDouble(xv)}, *t);
    ASSERT_EQ(interpret(*t, &f.ctx), 1);
    double expect = -((xv * xv) / (-7.0 - xv) + -7.0);
    double got;
    std::memcpy(&got, &f.exits[0], sizeof got);
    EXPECT_TRUE(got == expect || (std::isnan(got) && std::isnan(expect))) << xv;
    EXPECT_EQ(f.exits[1], static_cast<uint64_t>(expect > xv));
  }
}

TEST_F(JitIrTest, FoldComputesConstantsAndDropsGuardsTheyPass) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref sum = b.emit(Op::ADD_I64_OVF, b.const_i64(40), b.const_i64(2), kNoRef, 0, 0, s);
  Ref over = b.emit(Op::MUL_I64_OVF, b.const_i64(INT64_MAX), b.const_i64(2), kNoRef, 0, 0, s);
  Ref cmp = b.emit(Op::CMP_I64, sum, b.const_i64(41), kNoRef, 0, Py_GT);
  Ref g = b.emit(Op::GUARD_TRUE, cmp, kNoRef, kNoRef, 0, 0, s);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  fold_constants(*t);
  EXPECT_EQ(t->ops[sum].op, Op::CONST_I64);
  EXPECT_EQ(t->ops[sum].imm, 40 + 2);
  EXPECT_EQ(t->ops[over].op, Op::MUL_I64_OVF);  // overflows: stays, and exits when run
  EXPECT_EQ(t->ops[cmp].op, Op::CONST_BOOL);
  EXPECT_TRUE(t->ops[g].dead);
  EXPECT_EQ(verify(*t), "");
}

TEST_F(JitIrTest, CseMergesIdenticalPureOpsOnly) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref u1 = b.emit(Op::UNBOX_INT, x);
  Ref u2 = b.emit(Op::UNBOX_INT, x);
  Ref a1 = b.emit(Op::AND_I64, u1, u1);
  Ref a2 = b.emit(Op::AND_I64, u2, u2);
  Ref box1 = b.emit(Op::BOX_INT, a1, kNoRef, kNoRef, 0, 0, s);
  Ref box2 = b.emit(Op::BOX_INT, a2, kNoRef, kNoRef, 0, 0, s);  // not pure: two objects
  Snapshot out;
  out.entries = {{SnapEntry::Stack, 0, box1}, {SnapEntry::Stack, 1, box2}};
  out.stack_depth = 2;
  b.emit(Op::GUARD_TRUE, b.const_bool(false), kNoRef, kNoRef, 0, 0, b.add_snapshot(out));
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  eliminate_common_subexpressions(*t);
  EXPECT_TRUE(t->ops[u2].dead);
  EXPECT_TRUE(t->ops[a2].dead);
  EXPECT_EQ(t->ops[box2].a, a1);
  EXPECT_FALSE(t->ops[box2].dead);
  EXPECT_EQ(verify(*t), "");
}

TEST_F(JitIrTest, RedundantGuardsDieUnlessAnEffectCouldChangeTheirFact) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref d = b.const_obj(PyEval_GetBuiltins());
  int64_t long_type = reinterpret_cast<int64_t>(&PyLong_Type);
  b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0, s);
  Ref t1 = b.emit(Op::GUARD_TYPE, x, kNoRef, kNoRef, long_type, 0, s);  // implied by INT64
  Ref v1 = b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s);
  Ref v2 = b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s);  // same, no effect
  b.emit(Op::OBJ_BINARY, x, x, kNoRef, 0, NB_ADD, s);                    // may run code
  Ref v3 = b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s);  // must stay
  Ref t2 = b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0, s);         // value fact: dies
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  eliminate_redundant_guards(*t);
  EXPECT_TRUE(t->ops[t1].dead);
  EXPECT_FALSE(t->ops[v1].dead);
  EXPECT_TRUE(t->ops[v2].dead);
  EXPECT_FALSE(t->ops[v3].dead);
  EXPECT_TRUE(t->ops[t2].dead);
}

// The effect model: ops that run no code keep mutable facts (a dict version here); ops
// that may run code drop them. Each block: a guard, the op, the same guard again.
TEST_F(JitIrTest, GuardsSurviveOpsThatRunNoCodeOnly) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref d = b.const_obj(PyEval_GetBuiltins());
  Ref list = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  auto version = [&] { return b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s); };
  auto length = [&] { return b.emit(Op::GUARD_LEN, list, kNoRef, kNoRef, 3, 0, s); };
  std::vector<Ref> kept, removed;
  kept.push_back(version());
  kept.push_back(length());
  // A fresh float stored into a local twice: the second store's old value is that float,
  // whose release runs no code; so is the release of a value guarded to be an exact int.
  Ref f = b.emit(Op::BOX_FLOAT, b.const_f64(1.5), kNoRef, kNoRef, 0, 0, s);
  b.emit(Op::STORE_LOCAL, f, kNoRef, kNoRef, 0, 2);
  removed.push_back(version());
  Ref old = b.emit(Op::STORE_LOCAL, x, kNoRef, kNoRef, 0, 2);
  b.emit(Op::XDECREF, old);
  removed.push_back(version());
  b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0, s);
  b.emit(Op::INCREF, x);
  b.emit(Op::DECREF, x);
  removed.push_back(version());
  removed.push_back(length());
  // An append changes lengths only.
  b.emit(Op::APPEND, list, f, kNoRef, 0, 0, s);
  removed.push_back(version());
  kept.push_back(length());
  // A GC allocation may collect garbage, running finalizers.
  b.emit_list(Op::NEW_TUPLE, {x}, kNoRef, 0, 0, s);
  kept.push_back(version());
  // The first store of local 3: its old value is unknown, and so is its release.
  Ref unknown = b.emit(Op::STORE_LOCAL, x, kNoRef, kNoRef, 0, 3);
  b.emit(Op::XDECREF, unknown);
  kept.push_back(version());
  // A new reference the refcount pass will release after its last use (the store): an
  // object of unknown type, whose release may run __del__.
  Ref item = b.emit(Op::SEQ_ITEM, list, b.const_i64(0));
  removed.push_back(version());
  Ref old4 = b.emit(Op::STORE_LOCAL, item, kNoRef, kNoRef, 0, 4);
  kept.push_back(version());
  b.emit(Op::XDECREF, old4);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  eliminate_redundant_guards(*t);
  for (Ref r : kept) EXPECT_FALSE(t->ops[r].dead) << print_instr(*t, r);
  for (Ref r : removed) EXPECT_TRUE(t->ops[r].dead) << print_instr(*t, r);
}

// PUSH_FRAME makes no GC object unless the code has cells (MAKE_CELL): a version-pinned
// function without cells keeps the facts; one with a cell drops them. A finite check of a
// float value lasts (the value cannot change).
TEST_F(JitIrTest, GuardsSurvivePushingAFrameWithoutCells) {
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(
      "def plain(a):\n    return a\n"
      "def cells(a):\n    return lambda: a\n",
      Py_file_input, ns, ns);
  ASSERT_NE(r, nullptr);
  Py_DECREF(r);
  for (const char* name : {"plain", "cells"}) {
    SCOPED_TRACE(name);
    auto* func = reinterpret_cast<PyFunctionObject*>(PyDict_GetItemString(ns, name));
    const uint32_t version = _PyFunction_GetVersionForCurrentState(func);
    ASSERT_NE(version, 0u);
    auto t = std::make_unique<Trace>();
    IRBuilder b(*t);
    int32_t s = b.add_snapshot(Snapshot{});
    Ref d = b.const_obj(PyEval_GetBuiltins());
    Ref fn = b.const_obj(func);
    Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref v = b.emit(Op::UNBOX_FLOAT, x);
    b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s);
    b.emit(Op::GUARD_FINITE_F64, v, kNoRef, kNoRef, 0, 0, s);
    b.emit(Op::GUARD_FUNC_VERSION, fn, kNoRef, kNoRef, version, 0, s);
    Ref frame = b.emit_list(Op::PUSH_FRAME, {x}, fn, 0, 0, s);
    Ref again = b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, s);
    Ref finite = b.emit(Op::GUARD_FINITE_F64, v, kNoRef, kNoRef, 0, 0, s);
    b.emit(Op::POP_FRAME, frame);
    b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
    eliminate_redundant_guards(*t);
    EXPECT_EQ(t->ops[again].dead, std::string(name) == "plain");
    EXPECT_TRUE(t->ops[finite].dead);
  }
  Py_DECREF(ns);
}

TEST_F(JitIrTest, DceRemovesUnusedValuesButNotEffectsOrGuards) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  int32_t s = b.add_snapshot(Snapshot{});
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref unused = b.emit(Op::UNBOX_INT, x);
  Ref unused2 = b.emit(Op::ADD_I64_OVF, unused, unused, kNoRef, 0, 0, s);
  Ref guard = b.emit(Op::GUARD_NOT_NULL, x, kNoRef, kNoRef, 0, 0, s);
  Ref effect = b.emit(Op::OBJ_BINARY, x, x, kNoRef, 0, NB_ADD, s);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, s);
  eliminate_dead_code(*t);
  EXPECT_TRUE(t->ops[unused].dead);
  EXPECT_TRUE(t->ops[unused2].dead);
  EXPECT_FALSE(t->ops[guard].dead);
  EXPECT_FALSE(t->ops[effect].dead);
  EXPECT_FALSE(t->ops[x].dead);
}

// Owned values are released after their last use and by exits: running a trace many times
// leaves every object's reference count as it was (the oracle: Py_REFCNT before/after).
TEST_F(JitIrTest, RefcountPassBalancesOwnedValuesOnEveryPath) {
  PyObject* list = PyList_New(0);
  PyObject* item = PyUnicode_FromString("item-for-refcount-test");
  for (int k = 0; k < 5; k++) PyList_Append(list, item);
  Py_ssize_t before_item = Py_REFCNT(item), before_list = Py_REFCNT(list);
  for (int limit : {0, 2, 5}) {
    auto t = std::make_unique<Trace>();
    IRBuilder b(*t);
    Snapshot pre;
    pre.forceable = true;
    int32_t s0 = b.add_snapshot(pre);
    Ref l = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref n = b.emit(Op::UNBOX_INT, b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1));
    Ref got = b.emit(Op::SEQ_ITEM, l, b.const_i64(1));      // owned
    Ref tuple = b.emit_list(Op::NEW_TUPLE, {got, got, l}, kNoRef, 0, 0, s0);  // owned
    Ref more = b.emit(Op::ADD_I64_OVF, n, b.const_i64(1), kNoRef, 0, 0, s0);
    Ref keep_going = b.emit(Op::CMP_I64, more, b.const_i64(limit), kNoRef, 0, Py_LT);
    Snapshot out;  // names the tuple: the exit must hand it over with its own reference
    out.entries.push_back({SnapEntry::Stack, 0, tuple});
    out.stack_depth = 1;
    b.emit(Op::GUARD_TRUE, keep_going, kNoRef, kNoRef, 0, 0, b.add_snapshot(out));
    Ref boxed = b.emit(Op::BOX_INT, more, kNoRef, kNoRef, 0, 0, s0);
    b.emit(Op::XDECREF, b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 1));
    b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, b.add_snapshot(Snapshot{}));
    optimize(*t);
    ASSERT_EQ(verify(*t), "");
    Py_INCREF(list);
    FakeFrame f({list, PyLong_FromLong(0)}, *t);
    int exit = interpret(*t, &f.ctx);
    const Snapshot& snap = t->snapshots[exit];
    // Do what the deoptimizer does: take a reference per frame slot, release Release entries.
    std::vector<PyObject*> slots;
    for (size_t i = 0; i < snap.entries.size(); i++) {
      auto* o = reinterpret_cast<PyObject*>(f.exits[i]);
      if (snap.entries[i].kind == SnapEntry::Stack) slots.push_back(Py_NewRef(o));
    }
    for (size_t i = 0; i < snap.entries.size(); i++) {
      if (snap.entries[i].kind == SnapEntry::Release) Py_DECREF(reinterpret_cast<PyObject*>(f.exits[i]));
    }
    ASSERT_EQ(slots.size(), 1u);
    EXPECT_EQ(Py_REFCNT(slots[0]), 1);  // only the frame slot holds the tuple
    Py_DECREF(slots[0]);
  }
  EXPECT_EQ(Py_REFCNT(item), before_item);
  EXPECT_EQ(Py_REFCNT(list), before_list);
  Py_DECREF(item);
  Py_DECREF(list);
}

}  // namespace
}  // namespace janus::jit
