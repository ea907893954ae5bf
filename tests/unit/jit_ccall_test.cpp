// Direct C calls (CALL_C, GUARD_CFUNC_DEF) and math on unboxed floats (MATH_F64,
// GUARD_FINITE_F64): hand-built traces run by the IR interpreter and the asmjit backend
// must agree with each other and with CPython itself (the oracle): math.<name>(x) called
// through Python for every function of jit/math_table.def, and PyObject_Vectorcall of the
// same C functions for results, exceptions and messages.
#include "jit/backend_x64.h"
#include "jit/ir.h"
#include "jit/known_c.h"
#include "jit/math_call.h"
#include "jit/runtime.h"
#include "jit/trace.h"

#include "jit/cpython.h"

#include <gtest/gtest.h>

#include "tests/unit/jit_test_support.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace janus::jit {
namespace {

using test::bits_of;
PyObject* as_obj(uint64_t v) { return reinterpret_cast<PyObject*>(v); }

PyCodeObject* frame_code() {
  static PyCodeObject* code = reinterpret_cast<PyCodeObject*>(
      Py_CompileString("x = 1\n", "<jit ccall test>", Py_file_input));
  return code;
}

// One run of a trace: the exit taken, its values, and the exception it left ("" = none).
struct Outcome {
  int exit = -1;
  std::vector<uint64_t> values;
  std::string error;
};

std::string take_error() {
  if (!PyErr_Occurred()) return "";
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyObject* msg = PyObject_Str(value);
  std::string s = std::string(reinterpret_cast<PyTypeObject*>(type)->tp_name) + ": " +
                  (msg ? PyUnicode_AsUTF8(msg) : "?");
  Py_XDECREF(msg);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return s;
}

// >= 0: tstate->recursion_remaining while an executor runs (formatting the exception
// afterwards needs the real headroom back).
int g_remaining_during_run = -1;

Outcome run_once(const Trace& trace, const std::function<int(TraceContext*)>& executor,
             std::vector<PyObject*> locals) {
  alignas(16) char frame_memory[sizeof(_PyInterpreterFrame) + 64] = {};
  auto* frame = reinterpret_cast<_PyInterpreterFrame*>(frame_memory);
  frame->f_code = frame_code();
  int breaker = 0;
  Outcome out;
  out.values.assign(std::max(1, max_exit_values(trace)), 0);
  TraceContext ctx;
  ctx.tstate = PyThreadState_Get();
  ctx.frame = frame;
  ctx.localsplus = locals.data();
  ctx.stack_base = locals.data();
  ctx.eval_breaker = &breaker;
  ctx.exit_values = out.values.data();
  _PyInterpreterFrame* saved = ctx.tstate->cframe->current_frame;
  ctx.tstate->cframe->current_frame = frame;
  const int remaining = ctx.tstate->recursion_remaining;
  if (g_remaining_during_run >= 0) ctx.tstate->recursion_remaining = g_remaining_during_run;
  out.exit = executor(&ctx);
  ctx.tstate->recursion_remaining = remaining;
  ctx.tstate->cframe->current_frame = saved;
  out.values.resize(trace.snapshots[out.exit].entries.size());
  out.error = take_error();
  return out;
}

// Both executors; they must agree on the exit, the exception and every non-object value
// (objects: by repr). Owned values of the exit are released. Returns the interpreter's run
// with object values replaced by their reprs in `reprs`.
// `locals` gives each executor its frame's locals (borrowed; fresh objects when the trace
// mutates them).
Outcome both(const Trace& trace, const std::function<std::vector<PyObject*>()>& locals,
             std::vector<std::string>* reprs = nullptr) {
  std::string why;
  std::unique_ptr<MachineCode> code = compile(trace, &why);
  EXPECT_NE(code, nullptr) << why << "\n" << print_trace(trace);
  Outcome ref = run_once(trace, [&](TraceContext* ctx) { return interpret(trace, ctx); }, locals());
  if (code == nullptr) return ref;
  Outcome jit = run_once(trace, code->entry(), locals());
  const std::string dump = print_trace(trace);
  EXPECT_EQ(ref.exit, jit.exit) << dump;
  EXPECT_EQ(ref.error, jit.error) << dump;
  if (ref.exit != jit.exit) return ref;
  const Snapshot& snap = trace.snapshots[ref.exit];
  for (size_t i = 0; i < snap.entries.size(); i++) {
    const Instr& in = trace.ops[snap.entries[i].ref];
    if (in.type == Type::Obj) {
      auto repr = [](uint64_t v) {
        PyObject* r = PyObject_Repr(as_obj(v));
        std::string s = r ? PyUnicode_AsUTF8(r) : "?";
        Py_XDECREF(r);
        return s;
      };
      std::string a = repr(ref.values[i]), b = repr(jit.values[i]);
      EXPECT_EQ(a, b) << dump;
      if (reprs) reprs->push_back(a);
    } else {
      EXPECT_EQ(ref.values[i], jit.values[i]) << "entry " << i << "\n" << dump;
    }
    if (snap.entries[i].kind == SnapEntry::Release) {
      Py_DECREF(as_obj(ref.values[i]));
      Py_DECREF(as_obj(jit.values[i]));
    }
  }
  return ref;
}

Snapshot snapshot(std::vector<SnapEntry> entries, bool forceable = true,
                  Snapshot::Kind kind = Snapshot::Resume) {
  Snapshot s;
  s.kind = kind;
  s.forceable = forceable;
  s.entries = std::move(entries);
  return s;
}

// Ends a straight-line trace at exit `final`: a guard that always fails, then LOOP.
void finish(IRBuilder& b, int32_t final) {
  Ref t = b.const_bool(true);
  b.emit(Op::GUARD_FALSE, t, kNoRef, kNoRef, 0, 0, final);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, final);
}

class JitCCallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
    frame_code();
  }
  void SetUp() override { set_force_deopt_period(0); }
  void TearDown() override {
    EXPECT_FALSE(PyErr_Occurred());
    PyErr_Clear();
  }
  static PyObject* eval(const char* expr, const char* source = "") {
    return test::eval_python(expr, source);
  }
};

// ---- math on unboxed floats -------------------------------------------------------------

// Every table entry on edge and random arguments: where the trace completes, its value is
// exactly CPython's math.<name>(x); where CPython raises, the trace exits (before computing
// anything tier 0 would not); finite argument and finite CPython result: it completes.
TEST_F(JitCCallTest, MathFunctionsMatchCPythonOrExit) {
  PyObject* math = PyImport_ImportModule("math");
  ASSERT_NE(math, nullptr);
  std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-310, -1e-310, 5e-324,
                            1e-320, 700.0, 709.78, 710.0, -745.1, -746.0, 1000.0, -1000.0,
                            1e308, -1e308, 1e16, 3e9, INFINITY, -INFINITY, std::nan("")};
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> wide(-50.0, 50.0), unit(-1.5, 1.5);
  for (int k = 0; k < 40; k++) xs.push_back(k % 2 ? wide(rng) : unit(rng));
  for (int index = 0; index < static_cast<int>(MathFn::kCount); index++) {
    PyObject* fn = PyObject_GetAttrString(math, math_name(index));
    ASSERT_NE(fn, nullptr);
    EXPECT_EQ(math_index(fn), index) << math_name(index);
    for (double x : xs) {
      Trace trace;
      IRBuilder b(trace);
      Ref in = b.const_f64(x);
      int32_t before = b.add_snapshot(snapshot({}));
      b.emit(Op::GUARD_FINITE_F64, in, kNoRef, kNoRef, 0, 0, before);
      Ref out = b.emit(Op::MATH_F64, in, kNoRef, kNoRef, 0, index);
      b.emit(Op::GUARD_FINITE_F64, out, kNoRef, kNoRef, 0, 0, before);
      int32_t done = b.add_snapshot(snapshot({{SnapEntry::Stack, 0, out}}));
      finish(b, done);
      Outcome r = both(trace, [] { return std::vector<PyObject*>{}; });
      PyObject* arg = PyFloat_FromDouble(x);
      PyObject* expected = PyObject_CallOneArg(fn, arg);
      Py_DECREF(arg);
      std::string where = std::string(math_name(index)) + "(" + std::to_string(x) + ")";
      if (expected == nullptr) {
        PyErr_Clear();
        EXPECT_EQ(r.exit, before) << where << " raises in CPython";
      } else if (std::isfinite(x) && std::isfinite(PyFloat_AsDouble(expected))) {
        ASSERT_EQ(r.exit, done) << where;
        EXPECT_EQ(r.values[0], bits_of(PyFloat_AsDouble(expected))) << where;
      } else {
        EXPECT_EQ(r.exit, before) << where << ": outside the stated domain";
      }
      Py_XDECREF(expected);
    }
    Py_DECREF(fn);
  }
  Py_DECREF(math);
}

TEST_F(JitCCallTest, MathIndexKnowsOnlyTheMathBuiltins) {
  PyObject* math = PyImport_ImportModule("math");
  PyObject* cmath = PyImport_ImportModule("cmath");
  PyObject* math_sqrt = PyObject_GetAttrString(math, "sqrt");
  PyObject* cmath_sqrt = PyObject_GetAttrString(cmath, "sqrt");
  PyObject* floor = PyObject_GetAttrString(math, "floor");
  PyObject* fake = eval("sqrt", "def sqrt(x):\n    return x\n");
  PyObject* len = eval("len");
  EXPECT_EQ(math_index(math_sqrt), static_cast<int>(MathFn::sqrt));
  EXPECT_EQ(math_index(cmath_sqrt), -1);
  EXPECT_EQ(math_index(floor), -1);  // not in the table: an int result
  EXPECT_EQ(math_index(fake), -1);
  EXPECT_EQ(math_index(len), -1);
  for (PyObject* o : {math, cmath, math_sqrt, cmath_sqrt, floor, fake, len}) Py_DECREF(o);
}

// jit/known_c.def names builtins by owner and name; only those defs of those owners match.
TEST_F(JitCCallTest, KnownNoCodeBuiltinsAreTheTablesOnly) {
  auto def_of = [](PyObject* f) { return reinterpret_cast<PyCFunctionObject*>(f)->m_ml; };
  auto self_of = [](PyObject* f) { return reinterpret_cast<PyCFunctionObject*>(f)->m_self; };
  PyObject* perf = eval("time.perf_counter", "import time");
  PyObject* sleep = eval("time.sleep", "import time");               // METH_O: not in it
  PyObject* rnd = eval("random.Random(1).random", "import random");  // a bound method
  PyObject* other = eval("[].copy");  // METH_NOARGS of another owner
  PyObject* len = eval("len");
  ASSERT_TRUE(perf && sleep && rnd && other && len);
  EXPECT_TRUE(runs_no_python_code(def_of(perf), self_of(perf)));
  EXPECT_TRUE(runs_no_python_code(def_of(rnd), self_of(rnd)));
  EXPECT_FALSE(runs_no_python_code(def_of(sleep), self_of(sleep)));
  EXPECT_FALSE(runs_no_python_code(def_of(other), self_of(other)));
  EXPECT_FALSE(runs_no_python_code(def_of(len), self_of(len)));
  for (PyObject* o : {perf, sleep, rnd, other, len}) Py_DECREF(o);
}

// GUARD_CFUNC_DEF compares the PyMethodDef: every math.sqrt passes, math.cos does not.
TEST_F(JitCCallTest, CFunctionDefGuard) {
  PyObject* sqrt = eval("math.sqrt", "import math");
  PyObject* cos = eval("math.cos", "import math");
  PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(sqrt)->m_ml;
  for (PyObject* callee : {sqrt, cos}) {
    Trace trace;
    IRBuilder b(trace);
    Ref fn = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t fail = b.add_snapshot(snapshot({}));
    b.emit(Op::GUARD_CFUNC_DEF, fn, kNoRef, kNoRef, reinterpret_cast<int64_t>(def), 0, fail);
    int32_t done = b.add_snapshot(snapshot({}));
    finish(b, done);
    Outcome r = both(trace, [&] { return std::vector<PyObject*>{callee}; });
    EXPECT_EQ(r.exit, callee == sqrt ? done : fail);
  }
  Py_DECREF(sqrt);
  Py_DECREF(cos);
}

// ---- CALL_C against PyObject_Vectorcall ------------------------------------------------

// The oracle: the same callable called by CPython with the same arguments.
std::string vectorcall_outcome(PyObject* callable, const std::vector<PyObject*>& args) {
  PyObject* r = PyObject_Vectorcall(callable, args.data(), args.size(), nullptr);
  if (r == nullptr) return take_error();
  PyObject* repr = PyObject_Repr(r);
  std::string s = PyUnicode_AsUTF8(repr);
  Py_DECREF(repr);
  Py_DECREF(r);
  return s;
}

// CALL_C of `callable` (a builtin function: self = m_self; a method descriptor: self =
// args[0]) with `args` made fresh for each of the three runs by `make`.
// `oracle`: compare with PyObject_Vectorcall's outcome (false: the caller checks it).
std::string call_c_outcome(PyObject* callable, const std::function<std::vector<PyObject*>()>& make,
                           int* kind_out = nullptr, bool oracle = true) {
  PyMethodDef* def;
  bool descriptor = Py_IS_TYPE(callable, &PyMethodDescr_Type);
  if (descriptor) {
    def = reinterpret_cast<PyMethodDescrObject*>(callable)->d_method;
  } else {
    def = reinterpret_cast<PyCFunctionObject*>(callable)->m_ml;
  }
  std::vector<PyObject*> args = make();
  const int nargs = static_cast<int>(args.size()) - (descriptor ? 1 : 0);
  int flags = def->ml_flags & ~(METH_COEXIST | METH_STATIC | METH_CLASS);
  rt::CKind kind = flags == METH_NOARGS ? rt::kCNoArgs
                   : flags == METH_O    ? rt::kCOne
                   : flags == METH_FASTCALL ? rt::kCFast
                                            : rt::kCFastKw;
  if (kind_out) *kind_out = kind;
  EXPECT_TRUE(flags == METH_NOARGS || flags == METH_O || flags == METH_FASTCALL ||
              flags == (METH_FASTCALL | METH_KEYWORDS))
      << def->ml_name;
  (void)nargs;
  Trace trace;
  IRBuilder b(trace);
  Ref fn = b.const_obj(callable);
  std::vector<Ref> list;
  if (!descriptor) {
    PyObject* self = reinterpret_cast<PyCFunctionObject*>(callable)->m_self;
    list.push_back(self ? b.const_obj(self) : b.emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, 0));
  }
  for (size_t i = 0; i < args.size(); i++) {
    list.push_back(b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, static_cast<int32_t>(i)));
  }
  int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
  Ref res = b.emit_list(Op::CALL_C, list, fn, reinterpret_cast<int64_t>(def), kind, raise);
  int32_t done = b.add_snapshot(snapshot({{SnapEntry::Stack, 0, res}, {SnapEntry::Release, 0, res}}));
  finish(b, done);
  std::vector<std::string> reprs;
  std::vector<std::vector<PyObject*>> made;
  std::vector<PyObject*> a2 = args;
  Outcome r = both(trace, [&] { made.push_back(make()); return made.back(); }, &reprs);
  for (auto& a1 : made) {
    for (PyObject* o : a1) Py_DECREF(o);
  }
  // The oracle on its own fresh arguments (the calls may mutate them).
  std::string got = r.exit == done ? reprs.at(0) : r.error;
  if (oracle) {
    EXPECT_EQ(got, vectorcall_outcome(callable, a2)) << def->ml_name;
  }
  for (PyObject* o : a2) Py_DECREF(o);
  return got;
}

TEST_F(JitCCallTest, CallsByFlagsMatchVectorcall) {
  PyObject* len = eval("len");
  PyObject* divmod = eval("divmod");
  PyObject* sorted = eval("sorted");
  PyObject* append = eval("list.append");
  PyObject* pop = eval("set.pop");
  PyObject* lpop = eval("list.pop");
  PyObject* ord = eval("ord");
  PyObject* bad_len = eval("B()", "class B:\n    def __len__(self):\n        raise KeyError('no')\n");
  auto list3 = [] { return PyList_New(3); };
  auto fill = [](PyObject* l) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(l); i++) PyList_SET_ITEM(l, i, PyLong_FromLong(7 - i));
    return l;
  };
  int kind = -1;
  EXPECT_EQ(call_c_outcome(len, [&] { return std::vector<PyObject*>{fill(list3())}; }, &kind), "3");
  EXPECT_EQ(kind, rt::kCOne);
  EXPECT_EQ(call_c_outcome(len, [&] { Py_INCREF(bad_len); return std::vector<PyObject*>{bad_len}; }),
            "KeyError: 'no'");
  call_c_outcome(ord, [] { return std::vector<PyObject*>{PyUnicode_FromString("ab")}; });
  EXPECT_EQ(call_c_outcome(divmod, [] { return std::vector<PyObject*>{PyLong_FromLong(7), PyLong_FromLong(2)}; }, &kind),
            "(3, 1)");
  EXPECT_EQ(kind, rt::kCFast);
  EXPECT_EQ(call_c_outcome(divmod, [] { return std::vector<PyObject*>{PyLong_FromLong(7), PyLong_FromLong(0)}; }),
            "ZeroDivisionError: integer division or modulo by zero");
  EXPECT_EQ(call_c_outcome(sorted, [&] { return std::vector<PyObject*>{fill(list3())}; }, &kind),
            "[5, 6, 7]");
  EXPECT_EQ(kind, rt::kCFastKw);
  call_c_outcome(append, [&] { return std::vector<PyObject*>{fill(list3()), PyLong_FromLong(1)}; });
  EXPECT_EQ(call_c_outcome(pop, [] { return std::vector<PyObject*>{PySet_New(nullptr)}; }, &kind),
            "KeyError: 'pop from an empty set'");
  EXPECT_EQ(kind, rt::kCNoArgs);
  call_c_outcome(lpop, [&] { return std::vector<PyObject*>{fill(list3())}; });
  call_c_outcome(lpop, [] { return std::vector<PyObject*>{PyList_New(0)}; });
  for (PyObject* o : {len, divmod, sorted, append, pop, lpop, ord, bad_len}) Py_DECREF(o);
}

// A C method mutates its receiver: both executors leave the list as CPython does.
TEST_F(JitCCallTest, MutationIsVisible) {
  PyObject* append = eval("list.append");
  PyObject* l = PyList_New(0);
  PyObject* item = PyLong_FromLong(12345);
  Trace trace;
  IRBuilder b(trace);
  Ref fn = b.const_obj(append);
  Ref self = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref arg = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
  PyMethodDef* def = reinterpret_cast<PyMethodDescrObject*>(append)->d_method;
  Ref res = b.emit_list(Op::CALL_C, {self, arg}, fn, reinterpret_cast<int64_t>(def), rt::kCOne, raise);
  int32_t done = b.add_snapshot(snapshot({{SnapEntry::Stack, 0, res}, {SnapEntry::Release, 0, res}}));
  finish(b, done);
  const Py_ssize_t before = Py_REFCNT(item);
  Outcome r = both(trace, [&] { return std::vector<PyObject*>{l, item}; });
  EXPECT_EQ(r.exit, done);
  ASSERT_EQ(PyList_GET_SIZE(l), 2);  // once per executor
  EXPECT_EQ(PyList_GET_ITEM(l, 1), item);
  EXPECT_EQ(Py_REFCNT(item), before + 2);  // the list's two references; the calls keep none
  Py_DECREF(l);
  Py_DECREF(item);
  Py_DECREF(append);
}

// Vectorcall's checks around the call: the recursion limit (RecursionError with its
// message) and a NULL result without an exception (SystemError naming the callable).
PyObject* returns_null(PyObject*, PyObject*) { return nullptr; }
PyMethodDef g_null_def = {"returns_null", returns_null, METH_NOARGS, nullptr};

TEST_F(JitCCallTest, RecursionLimitAndNullResult) {
  PyObject* bad = PyCFunction_New(&g_null_def, nullptr);
  EXPECT_EQ(call_c_outcome(bad, [] { return std::vector<PyObject*>{}; }),
            "SystemError: <built-in function returns_null> returned NULL without setting an exception");
  PyObject* len = eval("len");
  g_remaining_during_run = 0;  // as deep as the limit allows
  std::string got = call_c_outcome(len, [] { return std::vector<PyObject*>{PyList_New(0)}; },
                                   nullptr, /*oracle=*/false);
  g_remaining_during_run = -1;
  // The oracle: CPython's own call at the same depth.
  PyThreadState* tstate = PyThreadState_Get();
  PyObject* empty = PyList_New(0);
  const int remaining = tstate->recursion_remaining;
  tstate->recursion_remaining = 0;
  PyObject* r = PyObject_Vectorcall(len, &empty, 1, nullptr);
  tstate->recursion_remaining = remaining;
  EXPECT_EQ(r, nullptr);
  Py_XDECREF(r);
  Py_DECREF(empty);
  EXPECT_EQ(got, take_error());
  EXPECT_EQ(got.rfind("RecursionError: ", 0), 0u) << got;
  Py_DECREF(bad);
  Py_DECREF(len);
}

}  // namespace
}  // namespace janus::jit
