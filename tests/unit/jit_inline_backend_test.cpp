// The backend's inline forms of helper calls (jit/backend_x64_attr.cpp,
// backend_x64_inline.cpp) against the IR interpreter, which calls the helpers (the
// reference semantics), and against CPython itself (getattr, setattr, gc.is_tracked, the
// dict's PEP 509 version tag). Each attribute trace is compiled while the instance's keys
// are its class's shared keys, so the listing holds the fast path (checked: the keys'
// address is an immediate in it); then the layout is moved under the trace (attribute
// deleted, dict replaced, cleared, made non-str-keyed, shadowing attributes, the shared
// keys grown by another instance) and both executors must still agree with CPython.
#include "jit/backend_x64.h"
#include "jit/ir.h"
#include "jit/runtime.h"
#include "jit/trace.h"

#include "jit/cpython.h"
#include <internal/pycore_function.h>

#include <gtest/gtest.h>

#include "tests/unit/jit_test_support.h"

#include <string>
#include <vector>

namespace janus::jit {
namespace {

const char* kClasses = R"(
class P:
    k = 'class k'
    def __init__(self):
        self.a = 1
        self.b = 2
class D(dict):
    pass
)";

// GUARD_FUNC_VERSION of fn, then PUSH_FRAME(fn; arg), each exit releasing fn (the guard's
// a resume, the push's a raise): the frame; *changed / *raised: those two exits.
Ref guarded_push(IRBuilder& b, Ref fn, Ref arg, uint32_t version, int32_t* changed,
                 int32_t* raised) {
  Snapshot s0;
  s0.entries = {{SnapEntry::Release, 0, fn}};
  *changed = b.add_snapshot(s0);
  b.emit(Op::GUARD_FUNC_VERSION, fn, kNoRef, kNoRef, version, 0, *changed);
  *raised = b.add_snapshot(test::raise_snapshot({{SnapEntry::Release, 0, fn}}));
  return b.emit_list(Op::PUSH_FRAME, {arg}, fn, 1, 0, *raised);
}

PyCodeObject* frame_code() {
  static PyCodeObject* code = reinterpret_cast<PyCodeObject*>(
      Py_CompileString("x = 1\n", "<jit inline test>", Py_file_input));
  return code;
}

using Mode = test::AttrMode;
using test::AttrTrace;
using Outcome = test::AttrOutcome;

std::unique_ptr<AttrTrace> build(PyTypeObject* tp, PyObject* name, int32_t aux, Mode mode,
                                 bool apart = false, PyObject* stored = nullptr,
                                 bool dict_hint = false) {
  return test::build_attr_trace(tp, name, aux, mode, apart, stored, dict_hint);
}

Outcome run(const AttrTrace& t, bool compiled, PyObject* o, PyObject* v) {
  return test::run_attr_trace(t, frame_code(), compiled, o, v);
}

bool has_fast_path(const AttrTrace& t, PyTypeObject* tp) {
  auto* keys = reinterpret_cast<PyHeapTypeObject*>(tp)->ht_cached_keys;
  return t.listing.find(std::to_string(reinterpret_cast<intptr_t>(keys))) != std::string::npos;
}

class JitInlineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
    frame_code();
    ns_ = PyDict_New();
    PyDict_SetItemString(ns_, "__builtins__", PyEval_GetBuiltins());
    PyObject* r = PyRun_String(kClasses, Py_file_input, ns_, ns_);
    ASSERT_NE(r, nullptr);
    Py_DECREF(r);
  }
  void TearDown() override {
    EXPECT_FALSE(PyErr_Occurred());
    PyErr_Clear();
  }
  // Runs statements in the test namespace.
  static void py(const char* code) {
    PyObject* r = PyRun_String(code, Py_file_input, ns_, ns_);
    if (r == nullptr) PyErr_Print();
    EXPECT_NE(r, nullptr) << code;
    Py_XDECREF(r);
  }
  static PyObject* var(const char* name) { return PyDict_GetItemString(ns_, name); }  // borrowed
  static PyObject* name(const char* s) { return PyUnicode_InternFromString(s); }
  static PyTypeObject* type_p() { return reinterpret_cast<PyTypeObject*>(var("P")); }
  static int32_t aux_of(const char* attr) {  // the hint of `attr` in o's dict, as recorded
    PyObject* d = *_PyObject_ManagedDictPointer(var("o"));
    PyObject* value = nullptr;
    Py_ssize_t ix = _PyDict_GetItemHint(reinterpret_cast<PyDictObject*>(d), name(attr), -1, &value);
    EXPECT_GE(ix, 0);
    return static_cast<int32_t>(rt::attr_aux(rt::kAttrDictHint, ix));
  }

  // o.attr with both executors: the same exit, and at the done exit CPython's getattr.
  static int load_both(const AttrTrace& t, const char* attr) {
    PyObject* o = var("o");
    Py_INCREF(o);
    const int exit = test::load_attr_both(t, frame_code(), o, attr);
    Py_DECREF(o);
    return exit;
  }
  static PyObject* ns_;
};
PyObject* JitInlineTest::ns_ = nullptr;

TEST_F(JitInlineTest, SplitDictLoadsFollowEveryLayoutChange) {
  struct Step {
    const char* mutation;
    bool reads;  // whether the trace still reads o.b (else it leaves at its guard)
  };
  const Step steps[] = {
      {"pass", true},
      {"o.b = 'replaced'", true},
      {"del o.b", false},
      {"o.b = 're-added'", true},
      {"o.__dict__ = {'a': 5, 'b': 6}", true},  // combined, same index: the helper's path
      {"o.__dict__ = {'b': 6}", false},         // the hint moved
      {"o.__dict__ = P().__dict__; o.__dict__.clear(); o.b = 1", false},
      {"o.__dict__ = D(a=1, b=2)", false},  // a dict subclass: never read directly
      {"o.__dict__ = {'a': 1, 'b': 2}; o.__dict__[1] = 'non-str key'", false},
  };
  py("o = P(); vars(o)");
  auto t = build(type_p(), name("b"), aux_of("b"), Mode::kLoad);
  ASSERT_NE(t->code, nullptr);
  EXPECT_TRUE(has_fast_path(*t, type_p())) << t->listing;
  for (const Step& s : steps) {
    SCOPED_TRACE(s.mutation);
    py(s.mutation);
    int exit = load_both(*t, "b");
    EXPECT_EQ(exit == t->done, s.reads);
  }
  py("o.__class__ = type('Q', (P,), {})");
  EXPECT_EQ(load_both(*t, "b"), 0);
}

TEST_F(JitInlineTest, NotShadowedChecksUseTheSharedKeys) {
  // Compiled once while `k` is in none of P's shared keys, once after another instance put
  // it there; then instances in every layout, and the keys grown by new names.
  // Each also with the type guard apart from the check (an op between that may run code:
  // the instance's type is compared again), and with the dict looked at first.
  for (int variant = 0; variant < 8; variant++) {
    const bool k_in_keys = variant & 1, apart = variant & 2, dict_first = variant & 4;
    SCOPED_TRACE(k_in_keys ? "k in the shared keys" : "k not in the shared keys");
    SCOPED_TRACE(apart ? "type guard apart" : "type guard adjacent");
    SCOPED_TRACE(dict_first ? "dict first" : "values first");
    py("P = type('P', (), {'k': 'class k', '__init__': lambda self: setattr(self, 'a', 1)})");
    if (k_in_keys) py("w = P(); w.k = 'w has k'");
    py("o = P()");
    auto t = build(type_p(), name("k"), static_cast<int32_t>(rt::attr_aux(rt::kAttrAbsent, 0)),
                   Mode::kAbsent, apart, nullptr, dict_first);
    ASSERT_NE(t->code, nullptr);
    EXPECT_TRUE(has_fast_path(*t, type_p())) << t->listing;
    const char* layouts[] = {
        "o = P()",                         // inline values
        "o = P(); vars(o)",                // a split dict
        "o = P(); o.k = 1",                // shadowed in the values
        "o = P(); vars(o); o.k = 1",       // shadowed in the split dict
        "o = P(); o.k = 1; del o.k",       // deleted again
        "o = P(); o.__dict__ = {'x': 1}",  // a combined dict without it
        "o = P(); o.__dict__ = {'k': 1}",  // a combined dict with it
        "o = P(); o.__dict__ = D()",       // a dict subclass: not absent for sure
        "q = P(); q.n1 = q.n2 = 0; o = P()",  // the shared keys grew (new names)
        "q = P(); q.k = 0; o = P()",       // k in the shared keys now
        "o = P(); vars(o); o.k = 1",
    };
    for (const char* layout : layouts) {
      SCOPED_TRACE(layout);
      py(layout);
      PyObject* o = var("o");
      Py_INCREF(o);
      Outcome a = run(*t, false, o, Py_None);
      Outcome b = run(*t, true, o, Py_None);
      EXPECT_EQ(a.exit, b.exit);
      // The oracle, read after the runs (vars() materializes the dict): the instance's
      // own namespace does not have `k` (a dict subclass counts as maybe having it).
      py("oracle = 'k' not in vars(o) and type(vars(o)) is dict");
      EXPECT_EQ(a.exit == t->done, var("oracle") == Py_True);
      Py_DECREF(o);
    }
  }
  py("P = type('P', (), {'k': 'class k', '__init__': lambda self: setattr(self, 'a', 1)})");
}

TEST_F(JitInlineTest, SplitDictStoresKeepVersionsTrackingAndOrder) {
  py("import gc\nclass P:\n    def __init__(self):\n        self.a = 1\n        self.b = 2");
  // With the guard adjacent to the store (its pass says the value is there), and apart.
  for (bool apart : {false, true}) {
  SCOPED_TRACE(apart ? "guard apart" : "guard adjacent");
  py("o = P(); vars(o); twin = P(); vars(twin)");
  auto t = build(type_p(), name("a"), aux_of("a"), Mode::kStore, apart);
  ASSERT_NE(t->code, nullptr);
  EXPECT_TRUE(has_fast_path(*t, type_p())) << t->listing;
  auto dict_of = [](PyObject* o) {
    return reinterpret_cast<PyDictObject*>(*_PyObject_ManagedDictPointer(o));
  };
  // Values to store: untracked kinds first (the dict stays untracked), then a list (the
  // dict must start being tracked, as CPython's own store does), then the same object again
  // (no new version), then after the layout moved (the helper's path).
  const char* values[] = {"3.5", "'s'", "None", "[1]", "SAME", "(1, 2)"};
  for (bool compiled : {false, true}) {
    SCOPED_TRACE(compiled ? "compiled" : "interpreted");
    py("o = P(); vars(o); twin = P(); vars(twin)");
    for (const char* value : values) {
      SCOPED_TRACE(value);
      std::string set_v = std::string("v = ") + (std::string(value) == "SAME" ? "o.a" : value);
      py(set_v.c_str());
      PyObject* o = var("o");
      PyObject* v = var("v");
      uint64_t version = dict_of(o)->ma_version_tag;
      PyObject* current = PyObject_GetAttrString(o, "a");
      const bool same = current == v;
      Py_DECREF(current);
      Py_ssize_t v_refs = Py_REFCNT(v);
      Outcome r = run(*t, compiled, o, v);
      ASSERT_EQ(r.exit, t->done);
      EXPECT_EQ(r.value, v);
      Py_XDECREF(r.value);
      if (same) {
        EXPECT_EQ(dict_of(o)->ma_version_tag, version);
        EXPECT_EQ(Py_REFCNT(v), v_refs);
      } else {
        EXPECT_GT(dict_of(o)->ma_version_tag, version);
        EXPECT_EQ(Py_REFCNT(v), v_refs + 1);  // the attribute's reference
      }
      py("twin.a = v");  // CPython's store: the oracle
      py("tracked = gc.is_tracked(vars(o)) == gc.is_tracked(vars(twin))");
      EXPECT_EQ(var("tracked"), Py_True);
      py("order = list(vars(o)) == list(vars(twin))");
      EXPECT_EQ(var("order"), Py_True);
    }
    // A finalizer run by the replaced value sees the new value already stored.
    py("class F:\n    def __del__(self):\n        global seen\n        seen = o.a\n"
       "o.a = F(); v = 'after'");
    Outcome r = run(*t, compiled, var("o"), var("v"));
    ASSERT_EQ(r.exit, t->done);
    Py_XDECREF(r.value);
    EXPECT_EQ(var("seen"), var("v"));
    // The layout moved: combined dict with the name at the hint (the helper stores), and
    // with it elsewhere (the guard leaves).
    py("o.__dict__ = {'a': 0, 'b': 1}; v = 'combined'");
    r = run(*t, compiled, var("o"), var("v"));
    ASSERT_EQ(r.exit, t->done);
    Py_XDECREF(r.value);
    py("ok = o.a == 'combined'");
    EXPECT_EQ(var("ok"), Py_True);
    py("o.__dict__ = {'b': 1, 'a': 0}");
    EXPECT_EQ(run(*t, compiled, var("o"), var("v")).exit, 1);
  }
  }
}

// A constant whose type has no GC support (None, a float, a str) stored into an untracked
// split dict: the inline store skips the tracking test, and the dict stays untracked as
// CPython's own store leaves it; a GC-tracked constant (a tuple holding a list) makes the
// dict tracked through the helper. Against CPython's store into a twin instance.
TEST_F(JitInlineTest, SplitDictStoresOfConstantsTrackAsCPythonDoes) {
  py("import gc\nclass P:\n    def __init__(self):\n        self.a = 1\n        self.b = 2");
  const char* constants[] = {"None", "2.5", "'text'", "([],)"};
  for (const char* constant : constants) {
    for (bool compiled : {false, true}) {
      SCOPED_TRACE(constant);
      SCOPED_TRACE(compiled ? "compiled" : "interpreted");
      py((std::string("c = ") + constant + "\no = P(); vars(o); twin = P(); vars(twin)").c_str());
      py("untracked = not gc.is_tracked(vars(o))");
      EXPECT_EQ(var("untracked"), Py_True);
      PyObject* c = var("c");
      auto t = build(type_p(), name("a"), aux_of("a"), Mode::kStore, false, c);
      ASSERT_NE(t->code, nullptr);
      EXPECT_TRUE(has_fast_path(*t, type_p())) << t->listing;
      PyObject* o = var("o");
      const uint64_t version =
          reinterpret_cast<PyDictObject*>(*_PyObject_ManagedDictPointer(o))->ma_version_tag;
      Outcome r = run(*t, compiled, o, Py_None);
      ASSERT_EQ(r.exit, t->done);
      EXPECT_EQ(r.value, c);
      Py_XDECREF(r.value);
      EXPECT_GT(reinterpret_cast<PyDictObject*>(*_PyObject_ManagedDictPointer(o))->ma_version_tag,
                version);
      py("twin.a = c");  // CPython's store: the oracle
      py("same = o.a is twin.a and gc.is_tracked(vars(o)) == gc.is_tracked(vars(twin))");
      EXPECT_EQ(var("same"), Py_True);
    }
  }
}

// GUARD_FUNC_VERSION and FRAME_STORE, inline, against the interpreter's helpers: the
// version of a function whose __code__ was replaced no longer passes; the store swaps
// references exactly and sets the current frame's instruction first.
TEST_F(JitInlineTest, FunctionVersionsAndFrameStores) {
  py("def f(x):\n    return x\nimport types");
  auto* f = reinterpret_cast<PyFunctionObject*>(var("f"));
  const uint32_t version = _PyFunction_GetVersionForCurrentState(f);  // as the recorder asks
  ASSERT_NE(version, 0u);
  alignas(16) char frame_memory[sizeof(_PyInterpreterFrame) + 4 * sizeof(PyObject*)] = {};
  auto* callee = reinterpret_cast<_PyInterpreterFrame*>(frame_memory);
  Trace trace;
  IRBuilder b(trace);
  Ref fn = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref value = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  Snapshot first;
  int32_t changed = b.add_snapshot(first);
  b.emit(Op::GUARD_FUNC_VERSION, fn, kNoRef, kNoRef, version, 0, changed);
  // The callee frame, as PUSH_FRAME's raw value (a constant here, never owned).
  Ref frame = b.emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, reinterpret_cast<int64_t>(callee));
  Ref old = b.emit(Op::FRAME_STORE, frame, value, kNoRef, 0, 2);
  trace.ops[old].pc = 7;
  b.emit(Op::XDECREF, old);
  Snapshot end;
  int32_t done = test::leave_through(b, end);
  std::string why;
  auto code = compile(trace, &why);
  ASSERT_NE(code, nullptr) << why;
  PyObject* stored = PyUnicode_FromString("stored");
  for (bool compiled : {false, true}) {
    SCOPED_TRACE(compiled ? "compiled" : "interpreted");
    PyObject* before = PyUnicode_FromString("before");
    callee->localsplus[2] = before;  // the frame's reference
    Py_INCREF(before);               // ours, to watch it
    PyObject* locals[2] = {reinterpret_cast<PyObject*>(f), stored};
    test::LoopFrameRun loop(trace, frame_code(), locals);
    Py_ssize_t stored_refs = Py_REFCNT(stored);
    int exit = loop.run(trace, code.get(), compiled);
    EXPECT_EQ(exit, done);
    EXPECT_EQ(callee->localsplus[2], stored);
    EXPECT_EQ(Py_REFCNT(stored), stored_refs + 1);
    EXPECT_EQ(Py_REFCNT(before), 1);  // the frame's reference was released
    EXPECT_EQ(loop.frame->prev_instr - _PyCode_CODE(frame_code()), 7);
    Py_DECREF(before);
    Py_CLEAR(callee->localsplus[2]);
  }
  // Replacing __code__ resets func_version: both executors leave at the guard.
  py("f.__code__ = (lambda x: -x).__code__");
  EXPECT_NE(f->func_version, version);
  for (bool compiled : {false, true}) {
    PyObject* locals[2] = {reinterpret_cast<PyObject*>(f), stored};
    test::LoopFrameRun loop(trace, frame_code(), locals);
    int exit = loop.run(trace, code.get(), compiled);
    EXPECT_EQ(exit, changed) << (compiled ? "compiled" : "interpreted");
  }
  Py_DECREF(stored);
}

// PUSH_FRAME / POP_FRAME of a constant function under its version guard (the inline form)
// against the helpers: the callee's frame is linked and made current, holds its argument,
// a store into it releases the old value, and the pop leaves the thread exactly as before
// (current frame, data stack top, recursion budget, every reference count). At the
// recursion limit both
// raise CPython's RecursionError at the push; a frame that got a frame object (here:
// sys._getframe() called from inside it) is popped by the helper. The function is a
// constant, or a value whose code only a snapshot inside the callee names (right, or
// wrong: the machine code then finds another code and calls the helpers).
TEST_F(JitInlineTest, KnownFramesPushAndPopExactly) {
  py("import sys\ndef f(a, b=None, c=None):\n    return a\ndef g(a, b, c, d):\n    return d\n");
  auto* f = reinterpret_cast<PyFunctionObject*>(var("f"));
  auto* g = reinterpret_cast<PyFunctionObject*>(var("g"));
  const uint32_t version = _PyFunction_GetVersionForCurrentState(f);
  ASSERT_NE(version, 0u);
  PyObject* getframe = PyObject_GetAttrString(PyImport_AddModule("sys"), "_getframe");
  enum Known { kConstant, kSnapshot, kWrongSnapshot };
  for (int variant = 0; variant < 6; variant++) {
    const bool with_frame_object = variant & 1;
    const Known known = static_cast<Known>(variant >> 1);
    SCOPED_TRACE(std::string(with_frame_object ? "with a frame object, " : "plain, ") +
                 (known == kConstant ? "a constant" : known == kSnapshot ? "a snapshot's code"
                                                                          : "a wrong code"));
    Trace trace;
    IRBuilder b(trace);
    Ref arg = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref fin = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
    Ref fn = known == kConstant ? b.emit(Op::NEWREF, b.const_obj(reinterpret_cast<PyObject*>(f)))
                                : b.emit(Op::NEWREF, b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef,
                                                            kNoRef, 0, 2));
    int32_t changed = -1, raised = -1;
    Ref frame = guarded_push(b, fn, arg, version, &changed, &raised);
    const Snapshot raise = trace.snapshots[raised];
    if (known != kConstant) {  // an exit inside the callee, as the recorder describes one
      Snapshot inside;
      inside.callers = {CallerState{1, 0}};
      inside.entries = {{SnapEntry::FramePtr, 1, frame}, {SnapEntry::Release, 0, fn}};
      inside.code = (known == kSnapshot ? f : g)->func_code;
      b.add_snapshot(inside);
    }
    Ref fo = kNoRef;
    if (with_frame_object) {
      fo = b.emit_list(Op::OBJ_CALL, {}, b.const_obj(getframe), 0, 0, b.add_snapshot(raise));
    }
    Ref old = b.emit(Op::FRAME_STORE, frame, fin, kNoRef, 0, 2);
    b.emit(Op::XDECREF, old);
    b.emit(Op::POP_FRAME, frame);
    b.emit(Op::DECREF, fn);
    Snapshot end;  // the frame object (when made) comes out: its code is checked
    if (fo != kNoRef) end.entries = {{SnapEntry::Stack, 0, fo}, {SnapEntry::Release, 0, fo}};
    int32_t done = test::leave_through(b, end);
    std::string why;
    std::string listing;
    auto code = compile(trace, &why, &listing);
    ASSERT_NE(code, nullptr) << why;
    // The inline push: the code object it expects is an immediate of the machine code.
    EXPECT_NE(listing.find(std::to_string(reinterpret_cast<intptr_t>(
                  (known == kWrongSnapshot ? g : f)->func_code))),
              std::string::npos);
    for (int budget : {-1, 0}) {  // -1: as the thread has it; 0: at the limit
      for (bool compiled : {false, true}) {
        SCOPED_TRACE(std::string(compiled ? "compiled" : "interpreted") +
                     (budget == 0 ? " at the recursion limit" : ""));
        py("x = object(); fin = object()");
        PyObject* x = var("x");
        PyObject* fin_obj = var("fin");
        Py_ssize_t x_refs = Py_REFCNT(x);
        Py_ssize_t fin_refs = Py_REFCNT(fin_obj);
        Py_ssize_t f_refs = Py_REFCNT(reinterpret_cast<PyObject*>(f));
        Py_ssize_t code_refs = Py_REFCNT(f->func_code);
        PyObject* locals[3] = {x, fin_obj, reinterpret_cast<PyObject*>(f)};
        test::LoopFrameRun loop(trace, frame_code(), locals);
        TraceContext& ctx = loop.ctx;
        std::vector<uint64_t>& exit_values = loop.exit_values;
        PyObject** top = ctx.tstate->datastack_top;
        const int remaining = ctx.tstate->recursion_remaining;
        if (budget == 0) ctx.tstate->recursion_remaining = 0;
        int exit = loop.run(trace, code.get(), compiled);
        EXPECT_EQ(loop.current_after, loop.frame);
        if (budget == 0) {
          EXPECT_EQ(exit, raised);
          EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_RecursionError));
          PyErr_Clear();
          EXPECT_EQ(ctx.tstate->recursion_remaining, 0);  // the failed check gave it back
          ctx.tstate->recursion_remaining = remaining;
          Py_DECREF(reinterpret_cast<PyObject*>(exit_values[0]));  // the Release entry
        } else {
          EXPECT_EQ(exit, done);
          EXPECT_FALSE(PyErr_Occurred());
          EXPECT_EQ(ctx.tstate->recursion_remaining, remaining);
          if (with_frame_object) {  // the callee's frame ran f's code, as CPython's would
            auto* frame_object = reinterpret_cast<PyFrameObject*>(exit_values[0]);
            PyCodeObject* ran = PyFrame_GetCode(frame_object);
            EXPECT_EQ(ran, reinterpret_cast<PyCodeObject*>(f->func_code));
            Py_DECREF(ran);
            Py_DECREF(frame_object);
          }
        }
        EXPECT_EQ(Py_REFCNT(fin_obj), fin_refs);
        EXPECT_EQ(ctx.tstate->datastack_top, top);
        EXPECT_EQ(Py_REFCNT(x), x_refs);
        EXPECT_EQ(Py_REFCNT(reinterpret_cast<PyObject*>(f)), f_refs);
        EXPECT_EQ(Py_REFCNT(f->func_code), code_refs);
      }
    }
  }
  Py_DECREF(getframe);
}

// PUSH_FRAME of a closure (free variables, no cells), inline: the frame holds the
// function's own cells (COPY_FREE_VARS), which POP_FRAME releases; both executors read
// back the cell CPython's __closure__ has, and every count comes back to where it was.
TEST_F(JitInlineTest, ClosureFramesHoldTheirCells) {
  py("def outer():\n    k = object()\n    j = object()\n"
     "    def inner(a):\n        return (a, j, k)\n    return inner\nclosure_fn = outer()");
  auto* f = reinterpret_cast<PyFunctionObject*>(var("closure_fn"));
  auto* code = reinterpret_cast<PyCodeObject*>(f->func_code);
  ASSERT_EQ(code->co_nfreevars, 2);
  ASSERT_EQ(code->co_ncellvars, 0);
  const uint32_t version = _PyFunction_GetVersionForCurrentState(f);
  ASSERT_NE(version, 0u);
  const int last = code->co_nlocalsplus - 1;  // the second free variable's slot
  Trace trace;
  IRBuilder b(trace);
  Ref arg = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref fn = b.emit(Op::NEWREF, b.const_obj(reinterpret_cast<PyObject*>(f)));
  int32_t changed = -1, raised = -1;
  Ref frame = guarded_push(b, fn, arg, version, &changed, &raised);
  Ref cell = b.emit(Op::NEWREF, b.emit(Op::FRAME_LOAD, frame, kNoRef, kNoRef, 0, last));
  b.emit(Op::POP_FRAME, frame);
  b.emit(Op::DECREF, fn);
  Snapshot end;
  end.entries = {{SnapEntry::Stack, 0, cell}, {SnapEntry::Release, 0, cell}};
  int32_t done = test::leave_through(b, end);
  std::string why, listing;
  auto machine = compile(trace, &why, &listing);
  ASSERT_NE(machine, nullptr) << why;
  // The inline push (its code an immediate), not the helper's.
  EXPECT_NE(listing.find(std::to_string(reinterpret_cast<intptr_t>(code))), std::string::npos);
  PyObject* oracle = PyTuple_GET_ITEM(f->func_closure, 1);  // CPython's own cell for k
  for (bool compiled : {false, true}) {
    SCOPED_TRACE(compiled ? "compiled" : "interpreted");
    py("x = object()");
    PyObject* x = var("x");
    const Py_ssize_t x_refs = Py_REFCNT(x), cell_refs = Py_REFCNT(oracle);
    const Py_ssize_t f_refs = Py_REFCNT(reinterpret_cast<PyObject*>(f));
    PyObject* locals[1] = {x};
    test::LoopFrameRun loop(trace, frame_code(), locals);
    PyObject** top = loop.ctx.tstate->datastack_top;
    ASSERT_EQ(loop.run(trace, machine.get(), compiled), done);
    EXPECT_EQ(reinterpret_cast<PyObject*>(loop.exit_values[0]), oracle);
    EXPECT_EQ(Py_REFCNT(oracle), cell_refs + 1);  // the exit's reference only
    Py_DECREF(oracle);
    EXPECT_EQ(Py_REFCNT(x), x_refs);
    EXPECT_EQ(Py_REFCNT(reinterpret_cast<PyObject*>(f)), f_refs);
    EXPECT_EQ(loop.ctx.tstate->datastack_top, top);
    EXPECT_EQ(loop.current_after, loop.frame);
  }
}

// GUARD_DICT_KEYS and DICT_ENTRY, inline, against the helpers and CPython's d[key]: str
// keyed dicts whose index tables have 1- and 2-byte entries (the entries' offset differs),
// the value replaced in place (same keys version: read at run time), and the keys changed
// (a deletion, an insertion, another dict: the guard leaves).
TEST_F(JitInlineTest, DictEntriesByKeysVersion) {
  py("import sys\nsmall = {'a': 1, 'b': 2.5, 'c': 'c'}\n"
     "big = {('k%d' % i): i for i in range(300)}\nsys.intern('k123')");
  struct Case {
    const char* dict;
    const char* key;
  };
  const Case cases[] = {{"small", "b"}, {"big", "k123"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dict);
    PyObject* d = var(c.dict);
    auto* keys = reinterpret_cast<PyDictObject*>(d)->ma_keys;
    const Py_ssize_t ix = _PyDictKeys_StringLookup(keys, name(c.key));
    ASSERT_GE(ix, 0);
    const uint32_t version = _PyDictKeys_GetVersionForCurrentState(keys);
    ASSERT_NE(version, 0u);
    Trace trace;
    IRBuilder b(trace);
    Ref dict = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t changed = b.add_snapshot(Snapshot{});
    b.emit(Op::GUARD_DICT_KEYS, dict, kNoRef, kNoRef, version, int32_t(ix), changed);
    Ref value = b.emit(Op::DICT_ENTRY, dict, kNoRef, kNoRef, 0, int32_t(ix));
    Snapshot end;
    end.entries = {{SnapEntry::Stack, 0, value}, {SnapEntry::Release, 0, value}};
    int32_t done = test::leave_through(b, end);
    std::string why;
    auto machine = compile(trace, &why);
    ASSERT_NE(machine, nullptr) << why;
    int reads = 0;  // runs that read the entry (the first layout at least, both executors)
    const std::string key = std::string("'") + c.key + "'";
    const std::string steps[] = {"pass", std::string(c.dict) + "[" + key + "] = 'replaced'",
                                 std::string(c.dict) + "['zz_new'] = 0",
                                 std::string(c.dict) + " = dict(" + c.dict + ")"};
    for (const std::string& step : steps) {
      SCOPED_TRACE(step);
      py(step.c_str());
      const bool same_keys =
          reinterpret_cast<PyDictObject*>(var(c.dict))->ma_keys->dk_version == version;
      for (bool compiled : {false, true}) {
        SCOPED_TRACE(compiled ? "compiled" : "interpreted");
        PyObject* locals[1] = {var(c.dict)};
        test::LoopFrameRun loop(trace, frame_code(), locals);
        const int exit = loop.run(trace, machine.get(), compiled);
        if (!same_keys) {
          EXPECT_EQ(exit, changed);
          continue;
        }
        ASSERT_EQ(exit, done);
        PyObject* got = reinterpret_cast<PyObject*>(loop.exit_values[0]);
        PyObject* oracle = PyDict_GetItemString(var(c.dict), c.key);  // CPython's d[key]
        EXPECT_EQ(got, oracle);
        Py_DECREF(got);
        reads++;
      }
    }
    EXPECT_GE(reads, 2);
  }
}

// BOX_FLOAT and the DECREF of an exact float, inline (the interpreter's free list) against
// the helpers (PyFloat_FromDouble, _Py_Dealloc -> float_dealloc): the same value (float64
// bits, as CPython's float() of the same double), and the free list left in the same state
// by both executors, with room in it and full (numfree at PyFloat_MAXFREELIST: the last
// reference is freed instead).
TEST_F(JitInlineTest, FloatsComeFromAndGoBackToTheFreeList) {
  Trace trace;
  IRBuilder b(trace);
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Snapshot first;
  first.entries = {{SnapEntry::Local, 0, x}};
  int32_t not_float = b.add_snapshot(first);
  b.emit(Op::GUARD_TYPE, x, kNoRef, kNoRef, reinterpret_cast<int64_t>(&PyFloat_Type), 0, not_float);
  Ref v = b.emit(Op::UNBOX_FLOAT, x);
  Ref twice = b.emit(Op::ADD_F64, v, v);
  const Snapshot raise = test::raise_snapshot();
  Ref boxed = b.emit(Op::BOX_FLOAT, twice, kNoRef, kNoRef, 0, 0, b.add_snapshot(raise));
  Ref temp = b.emit(Op::BOX_FLOAT, v, kNoRef, kNoRef, 0, 0, b.add_snapshot(raise));
  b.emit(Op::DECREF, temp);  // a temporary: back to the free list at once
  Snapshot end;
  end.entries = {{SnapEntry::Stack, 0, boxed}, {SnapEntry::Release, 0, boxed}};
  int32_t done = test::leave_through(b, end);
  std::string why;
  auto code = compile(trace, &why);
  ASSERT_NE(code, nullptr) << why;
  _Py_float_state* state = &PyThreadState_Get()->interp->float_state;
  for (bool full : {false, true}) {
    SCOPED_TRACE(full ? "a full free list" : "room in the free list");
    for (double d : {1.5, -0.0, 1e308}) {
      PyObject* in = PyFloat_FromDouble(d);
      PyObject* results[2] = {};
      int numfree[2] = {};  // the change of numfree
      PyFloatObject* head[2] = {};
      for (bool compiled : {false, true}) {
        // The same start for both runs: at least two floats in the list.
        PyObject* spare[2] = {PyFloat_FromDouble(0.5), PyFloat_FromDouble(0.25)};
        Py_DECREF(spare[0]);
        Py_DECREF(spare[1]);
        ASSERT_GE(state->numfree, 2);
        const int saved = state->numfree;
        if (full) state->numfree = PyFloat_MAXFREELIST + 2;  // full once two are taken
        const int before = state->numfree;
        PyObject* locals[1] = {in};
        test::LoopFrameRun loop(trace, frame_code(), locals);
        std::vector<uint64_t>& exit_values = loop.exit_values;
        int exit = loop.run(trace, code.get(), compiled);
        EXPECT_EQ(exit, done);
        numfree[compiled] = state->numfree - before;  // what the run did to the list
        head[compiled] = state->free_list;
        if (full) state->numfree = saved + numfree[compiled];
        results[compiled] = reinterpret_cast<PyObject*>(exit_values[0]);
      }
      EXPECT_EQ(numfree[0], numfree[1]);
      EXPECT_EQ(numfree[0], full ? -2 : -1);  // the temporary freed, or back in the list
      for (PyObject* r : results) {
        ASSERT_TRUE(PyFloat_CheckExact(r));
        EXPECT_EQ(Py_REFCNT(r), 1);
        PyObject* oracle = PyFloat_FromDouble(d + d);
        EXPECT_EQ(test::bits_of(PyFloat_AS_DOUBLE(r)), test::bits_of(PyFloat_AS_DOUBLE(oracle)));
        Py_DECREF(oracle);
      }
      if (!full) {  // each run gave the temporary back: it heads the list now
        EXPECT_NE(head[0], nullptr);
        EXPECT_NE(head[1], nullptr);
      }
      Py_DECREF(results[0]);
      Py_DECREF(results[1]);
      Py_DECREF(in);
    }
  }
}

// What a pushed frame's slots hold is known from the trace (its arguments, NULL locals,
// then what its stores put there), so the machine code skips the release of a store over
// an unbound local, releases a replaced float and the popped frame's floats to the free
// list inline, and skips NULL tests: against the IR interpreter (the helpers: FRAME_STORE,
// _Py_Dealloc -> float_dealloc, POP_FRAME's _PyFrame_Clear), the same reference counts,
// thread state and free list, with room in the list and full.
TEST_F(JitInlineTest, KnownFrameSlotsAreReleasedAsTheHelpersDo) {
  py("def h(a, b=None):\n    c = a\n    return c\n");
  auto* h = reinterpret_cast<PyFunctionObject*>(var("h"));
  const uint32_t version = _PyFunction_GetVersionForCurrentState(h);
  ASSERT_NE(version, 0u);
  Trace trace;
  IRBuilder b(trace);
  Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Snapshot first;
  first.entries = {{SnapEntry::Local, 0, x}};
  int32_t guard_exit = b.add_snapshot(first);
  b.emit(Op::GUARD_TYPE, x, kNoRef, kNoRef, reinterpret_cast<int64_t>(&PyFloat_Type), 0, guard_exit);
  Ref fn = b.emit(Op::NEWREF, b.const_obj(reinterpret_cast<PyObject*>(h)));
  const Snapshot raise = test::raise_snapshot({{SnapEntry::Release, 0, fn}});
  b.emit(Op::GUARD_FUNC_VERSION, fn, kNoRef, kNoRef, version, 0, guard_exit);
  Ref frame = b.emit_list(Op::PUSH_FRAME, {x}, fn, 1, 0, b.add_snapshot(raise));  // b unbound
  Ref v = b.emit(Op::UNBOX_FLOAT, x);
  Snapshot raise_in =  // inside the callee (depth 1)
      test::raise_snapshot({{SnapEntry::FramePtr, 1, frame}, {SnapEntry::Release, 0, fn}});
  raise_in.callers = {CallerState{1, 0}};
  int32_t raised_in = b.add_snapshot(raise_in);
  Ref f1 = b.emit(Op::BOX_FLOAT, b.emit(Op::ADD_F64, v, v), kNoRef, kNoRef, 0, 0, raised_in);
  Ref old1 = b.emit(Op::FRAME_STORE, frame, f1, kNoRef, 0, 2);  // c: unbound until now
  b.emit(Op::XDECREF, old1);
  b.emit(Op::DECREF, f1);
  Ref f2 = b.emit(Op::BOX_FLOAT, b.emit(Op::MUL_F64, v, v), kNoRef, kNoRef, 0, 0, raised_in);
  Ref old2 = b.emit(Op::FRAME_STORE, frame, f2, kNoRef, 0, 2);  // c again: replaces f1
  b.emit(Op::XDECREF, old2);
  b.emit(Op::DECREF, f2);
  b.emit(Op::POP_FRAME, frame);  // a = x (kept by the loop frame), b NULL, c = f2 (freed)
  b.emit(Op::DECREF, fn);
  int32_t done = b.add_snapshot(Snapshot{});
  b.emit(Op::GUARD_FALSE, b.const_bool(true), kNoRef, kNoRef, 0, 0, done);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, done);
  EXPECT_EQ(verify(trace), "");
  std::string why;
  auto code = compile(trace, &why);
  ASSERT_NE(code, nullptr) << why;
  _Py_float_state* state = &PyThreadState_Get()->interp->float_state;
  for (bool full : {false, true}) {
    SCOPED_TRACE(full ? "a full free list" : "room in the free list");
    int numfree[2] = {};
    for (bool compiled : {false, true}) {
      SCOPED_TRACE(compiled ? "compiled" : "interpreted");
      PyObject* in = PyFloat_FromDouble(3.0);
      PyObject* spare[2] = {PyFloat_FromDouble(0.5), PyFloat_FromDouble(0.25)};
      Py_DECREF(spare[0]);
      Py_DECREF(spare[1]);
      ASSERT_GE(state->numfree, 2);
      const int saved = state->numfree;
      if (full) state->numfree = PyFloat_MAXFREELIST + 2;  // full once two are taken
      const int before = state->numfree;
      Py_ssize_t in_refs = Py_REFCNT(in);
      Py_ssize_t h_refs = Py_REFCNT(reinterpret_cast<PyObject*>(h));
      Py_ssize_t code_refs = Py_REFCNT(h->func_code);
      PyObject* locals[1] = {in};
      test::LoopFrameRun loop(trace, frame_code(), locals);
      PyObject** top = loop.ctx.tstate->datastack_top;
      const int remaining = loop.ctx.tstate->recursion_remaining;
      EXPECT_EQ(loop.run(trace, code.get(), compiled), done);
      numfree[compiled] = state->numfree - before;
      if (full) state->numfree = saved + numfree[compiled];
      EXPECT_FALSE(PyErr_Occurred());
      EXPECT_EQ(loop.current_after, loop.frame);
      EXPECT_EQ(loop.ctx.tstate->datastack_top, top);
      EXPECT_EQ(loop.ctx.tstate->recursion_remaining, remaining);
      EXPECT_EQ(Py_REFCNT(in), in_refs);
      EXPECT_EQ(Py_REFCNT(reinterpret_cast<PyObject*>(h)), h_refs);
      EXPECT_EQ(Py_REFCNT(h->func_code), code_refs);
      Py_DECREF(in);
    }
    EXPECT_EQ(numfree[0], numfree[1]);
    EXPECT_EQ(numfree[0], full ? -2 : 0);  // both floats freed, or both back in the list
  }
}

// BOX_INT's small-int case and APPEND's case with room, inline, against the helpers
// (PyLong_FromLongLong, PyList_Append) and CPython: the shared small int itself around both
// ends of the cache (and a new int past them), appends into lists with and without room
// (the resize is the helper's), a list subclass, and the reference counts of what is
// appended.
TEST_F(JitInlineTest, SmallIntsAndAppendsWithRoom) {
  Trace trace;
  IRBuilder b(trace);
  Ref list = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref n = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  Snapshot first;
  int32_t not_int = b.add_snapshot(first);
  b.emit(Op::GUARD_INT64, n, kNoRef, kNoRef, 0, 0, not_int);
  Ref v = b.emit(Op::UNBOX_INT, n);
  const Snapshot raise = test::raise_snapshot();
  Ref boxed = b.emit(Op::BOX_INT, v, kNoRef, kNoRef, 0, 0, b.add_snapshot(raise));
  Snapshot raise2 = raise;
  raise2.entries = {{SnapEntry::Release, 0, boxed}};
  b.emit(Op::APPEND, list, boxed, kNoRef, 0, 0, b.add_snapshot(raise2));
  b.emit(Op::APPEND, list, n, kNoRef, 0, 0, b.add_snapshot(raise2));
  Snapshot end;
  end.entries = {{SnapEntry::Stack, 0, boxed}, {SnapEntry::Release, 0, boxed}};
  int32_t done = test::leave_through(b, end);
  std::string why;
  auto code = compile(trace, &why);
  ASSERT_NE(code, nullptr) << why;
  py("class L(list):\n    pass");
  const char* lists[] = {"[]", "[0] * 7", "list(range(8))", "L([1, 2])"};
  for (long value : {-7L, -6L, -5L, -1L, 0L, 1L, 255L, 256L, 257L, 1L << 40, -(1L << 40)}) {
    for (const char* make : lists) {
      SCOPED_TRACE(std::to_string(value) + " onto " + make);
      PyObject* n_obj = PyLong_FromLong(value);
      PyObject* got[2] = {};
      std::string after[2];
      for (bool compiled : {false, true}) {
        std::string code_text = std::string("xs = ") + make;
        py(code_text.c_str());
        PyObject* xs = var("xs");
        Py_ssize_t n_refs = Py_REFCNT(n_obj);
        PyObject* locals[2] = {xs, n_obj};
        test::LoopFrameRun loop(trace, frame_code(), locals);
        std::vector<uint64_t>& exit_values = loop.exit_values;
        int exit = loop.run(trace, code.get(), compiled);
        ASSERT_EQ(exit, done);
        got[compiled] = reinterpret_cast<PyObject*>(exit_values[0]);
        // The list holds it now; a small int is also the boxed value: appended again, and
        // handed out by the exit.
        const bool small = value >= -5 && value < 257;
        EXPECT_EQ(Py_REFCNT(n_obj), n_refs + (small ? 3 : 1));
        PyObject* r = PyObject_Repr(xs);
        after[compiled] = PyUnicode_AsUTF8(r);
        Py_DECREF(r);
      }
      EXPECT_EQ(after[0], after[1]);
      // CPython's own int of that value: the very same object when it is a small int.
      PyObject* oracle = PyLong_FromLong(value);
      for (PyObject* g : got) {
        EXPECT_EQ(PyObject_RichCompareBool(g, oracle, Py_EQ), 1);
        EXPECT_EQ(g == oracle, value >= -5 && value < 257);
      }
      Py_DECREF(oracle);
      Py_DECREF(got[0]);
      Py_DECREF(got[1]);
      Py_DECREF(n_obj);
    }
  }
}

}  // namespace
}  // namespace janus::jit
