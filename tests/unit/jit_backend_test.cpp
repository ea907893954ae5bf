// The asmjit backend against the IR interpreter (jit::interpret, the reference semantics):
// hand-built traces run through both executors from equal frame states must take the same
// exit, fill the same exit buffer, leave the same locals, raise the same exception, and
// keep reference counts exact. Python semantics (CPython's own objects and float64 math)
// is the oracle where a test checks a value absolutely. A seeded random generator builds
// straight-line int/float traces. The benchmark at the end prints timings only.
#include "jit/ir.h"
#include "jit/trace.h"
#include "jit/backend_x64.h"

#include "jit/cpython.h"

#include <gtest/gtest.h>

#include "tests/unit/jit_test_support.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace janus::jit {
namespace {

// ---- harness ------------------------------------------------------------------------

using test::bits_of;
double double_of(uint64_t v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}
PyObject* as_obj(uint64_t v) { return reinterpret_cast<PyObject*>(v); }

// An int object of the test's own (not CPython's shared small int, whose count anything
// may move), so watching its reference count is meaningful. |v| < 2**30.
PyObject* own_int(long v) {
  PyLongObject* o = _PyLong_New(v == 0 ? 0 : 1);
  if (v != 0) {
    o->ob_digit[0] = static_cast<digit>(v < 0 ? -v : v);
    if (v < 0) Py_SET_SIZE(o, -1);
  }
  return reinterpret_cast<PyObject*>(o);
}

std::string repr_of(PyObject* obj) {
  if (obj == nullptr) return "<NULL>";
  PyObject* r = PyObject_Repr(obj);
  if (r == nullptr) {
    PyErr_Clear();
    return "<repr failed>";
  }
  std::string s = std::string(Py_TYPE(obj)->tp_name) + ":" + PyUnicode_AsUTF8(r);
  Py_DECREF(r);
  return s;
}

// Objects made fresh by each run compare by position when they were inputs (made by the
// Case for that run), else by type and repr (boxed results); everything else by identity.
bool same_object(PyObject* a, PyObject* b, const std::vector<PyObject*>& inputs_a = {},
                 const std::vector<PyObject*>& inputs_b = {}) {
  if (a == b) return true;
  for (size_t i = 0; i < inputs_a.size() && i < inputs_b.size(); i++) {
    if (inputs_a[i] == a) return inputs_b[i] == b;
  }
  return repr_of(a) == repr_of(b);
}

// The frame state a trace runs against. make_locals / make_stack return new references
// (called once per run, so mutable inputs such as iterators start equal for both
// executors).
using Maker = std::function<std::vector<PyObject*>()>;
struct Case {
  Maker make_locals;
  Maker make_stack;
  int eval_breaker = 0;
};

struct Outcome {
  int exit = -1;
  std::vector<uint64_t> values;
  std::vector<PyObject*> locals;  // owned
  std::vector<PyObject*> stack;   // owned
  std::vector<PyObject*> inputs;  // the initial locals then stack (identities only)
  long frame_instr = -1;          // the frame's prev_instr as a code-unit index, -1 = unset
  std::string error;              // "Type: message" left set by the exit, or ""
};

// The frame helpers see: a code object's frame, zeroed except f_code (the executors only
// write prev_instr before a helper that may run arbitrary code).
PyCodeObject* frame_code() {
  static PyCodeObject* code = [] {
    PyObject* co = Py_CompileString("x = 1\ny = x + 2\n", "<jit backend test>", Py_file_input);
    return reinterpret_cast<PyCodeObject*>(co);
  }();
  return code;
}

Outcome run_once(const Trace& trace, const std::function<int(TraceContext*)>& executor,
                 const Case& c) {
  Outcome out;
  alignas(16) char frame_memory[sizeof(_PyInterpreterFrame) + 64] = {};
  auto* frame = reinterpret_cast<_PyInterpreterFrame*>(frame_memory);
  frame->f_code = frame_code();
  out.locals = c.make_locals ? c.make_locals() : std::vector<PyObject*>{};
  out.stack = c.make_stack ? c.make_stack() : std::vector<PyObject*>{};
  out.inputs = out.locals;
  out.inputs.insert(out.inputs.end(), out.stack.begin(), out.stack.end());
  int breaker = c.eval_breaker;
  out.values.assign(std::max(1, max_exit_values(trace)), 0xdeadbeefull);
  TraceContext ctx;
  ctx.tstate = PyThreadState_Get();
  ctx.frame = frame;
  ctx.localsplus = out.locals.data();
  ctx.stack_base = out.stack.data();
  ctx.eval_breaker = &breaker;
  ctx.exit_values = out.values.data();
  // The entry contract: the loop's frame is the thread's current frame.
  _PyInterpreterFrame* saved_current = ctx.tstate->cframe->current_frame;
  ctx.tstate->cframe->current_frame = frame;
  out.exit = executor(&ctx);
  ctx.tstate->cframe->current_frame = saved_current;
  EXPECT_EQ(ctx.exit_id, out.exit);
  if (frame->prev_instr != nullptr) out.frame_instr = frame->prev_instr - _PyCode_CODE(frame_code());
  out.values.resize(out.exit >= 0 ? trace.snapshots[out.exit].entries.size() : 0);
  if (PyErr_Occurred()) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject* msg = PyObject_Str(value);
    out.error = std::string(reinterpret_cast<PyTypeObject*>(type)->tp_name) + ": " +
                (msg ? PyUnicode_AsUTF8(msg) : "?");
    Py_XDECREF(msg);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
  }
  return out;
}

// What the deoptimizer would do with the references an exit hands over: release the owned
// values (Release entries) and the frame's locals.
void release(const Trace& trace, Outcome& out) {
  const Snapshot& snap = trace.snapshots[out.exit];
  for (size_t i = 0; i < snap.entries.size(); i++) {
    if (snap.entries[i].kind == SnapEntry::Release) Py_DECREF(as_obj(out.values[i]));
  }
  for (PyObject* local : out.locals) Py_XDECREF(local);
  for (PyObject* item : out.stack) Py_XDECREF(item);
  out.locals.clear();
  out.stack.clear();
}

void expect_same_value(const Trace& trace, Ref ref, uint64_t a, uint64_t b,
                       const Outcome& ra, const Outcome& rb, const std::string& where) {
  if (trace.ops[ref].type == Type::Obj) {
    EXPECT_TRUE(same_object(as_obj(a), as_obj(b), ra.inputs, rb.inputs))
        << where << ": %" << ref << " " << repr_of(as_obj(a)) << " vs " << repr_of(as_obj(b));
  } else {
    EXPECT_EQ(a, b) << where << ": %" << ref << " (" << type_name(trace.ops[ref].type) << ")";
  }
}

// Runs `trace` with the interpreter and the compiled code from equal states; checks they
// agree and that every object in `watched` ends with the reference count it started with
// once the exit's references are released. Returns the interpreter's outcome (released;
// values still readable for non-object refs).
struct Compared {
  int exit = -1;
  std::vector<uint64_t> values;
  std::string error;
  long frame_instr = -1;
  std::vector<std::string> locals;  // reprs
};

Compared compare(const Trace& trace, const Case& c, std::vector<PyObject*> watched = {}) {
  std::string why;
  std::unique_ptr<MachineCode> code = compile(trace, &why);
  EXPECT_NE(code, nullptr) << why << "\n" << print_trace(trace);
  if (code == nullptr) return {};
  std::vector<Py_ssize_t> before;
  for (PyObject* w : watched) before.push_back(Py_REFCNT(w));

  // Each executor draws the forced-deopt stream from its seed.
  const int period = force_deopt_period();
  Outcome ref = run_once(trace, [&](TraceContext* ctx) { return interpret(trace, ctx); }, c);
  set_force_deopt_period(period);
  Outcome jit = run_once(trace, code->entry(), c);
  std::string dump = print_trace(trace);
  EXPECT_EQ(ref.exit, jit.exit) << dump;
  EXPECT_EQ(ref.error, jit.error) << dump;
  EXPECT_EQ(ref.frame_instr, jit.frame_instr) << dump;
  if (ref.exit == jit.exit && ref.exit >= 0) {
    const Snapshot& snap = trace.snapshots[ref.exit];
    for (size_t i = 0; i < snap.entries.size(); i++) {
      expect_same_value(trace, snap.entries[i].ref, ref.values[i], jit.values[i], ref, jit,
                        "exit " + std::to_string(ref.exit) + " entry " + std::to_string(i));
    }
  }
  Compared result;
  result.frame_instr = ref.frame_instr;
  result.exit = ref.exit;
  result.values = ref.values;
  result.error = ref.error;
  EXPECT_EQ(ref.locals.size(), jit.locals.size());
  for (size_t i = 0; i < ref.locals.size() && i < jit.locals.size(); i++) {
    EXPECT_TRUE(same_object(ref.locals[i], jit.locals[i], ref.inputs, jit.inputs))
        << "local " << i << ": " << repr_of(ref.locals[i]) << " vs " << repr_of(jit.locals[i]);
    result.locals.push_back(repr_of(ref.locals[i]));
  }
  release(trace, ref);
  release(trace, jit);
  for (size_t i = 0; i < watched.size(); i++) {
    EXPECT_EQ(Py_REFCNT(watched[i]), before[i]) << "refcount of " << repr_of(watched[i]);
  }
  return result;
}

// New references to the given objects (for Case::make_locals / make_stack).
Maker locals_of(std::vector<PyObject*> objects) {
  return [objects] {
    for (PyObject* o : objects) Py_XINCREF(o);
    return objects;
  };
}

Snapshot snapshot(std::vector<SnapEntry> entries, bool forceable = true,
                  Snapshot::Kind kind = Snapshot::Resume) {
  Snapshot s;
  s.kind = kind;
  s.forceable = forceable;
  s.entries = std::move(entries);
  return s;
}
SnapEntry local(int index, Ref ref) { return {SnapEntry::Local, index, ref}; }
SnapEntry stack(int index, Ref ref) { return {SnapEntry::Stack, index, ref}; }
SnapEntry owned(Ref ref) { return {SnapEntry::Release, 0, ref}; }

// Ends a straight-line trace: a guard that always fails (exit `final`), then LOOP.
void finish_straight(IRBuilder& b, int32_t final) {
  Ref t = b.const_bool(true);
  b.emit(Op::GUARD_FALSE, t, kNoRef, kNoRef, 0, 0, final);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, final);
}

class JitBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
    frame_code();  // made once, before any test watches reference counts
  }
  void SetUp() override { set_force_deopt_period(0); }
  void TearDown() override {
    set_force_deopt_period(0);
    EXPECT_FALSE(PyErr_Occurred());
    PyErr_Clear();
  }

  static PyObject* eval(const char* expr, const char* source = "") {
    return test::eval_python(expr, source);
  }
};

// The loop `while i < n: i = i + 1` over unboxed ints, written back boxed each iteration.
// Locals: 0 = i, 1 = n. Exit 0: the loop condition failed (resume at its test).
void build_count_loop(Trace& trace) {
  IRBuilder b(trace);
  Ref i = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref n = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  int32_t entry = b.add_snapshot(snapshot({local(0, i), local(1, n)}));
  b.emit(Op::GUARD_INT64, i, kNoRef, kNoRef, 0, 0, entry);
  b.emit(Op::GUARD_INT64, n, kNoRef, kNoRef, 0, 0, entry);
  Ref iv = b.emit(Op::UNBOX_INT, i);
  Ref nv = b.emit(Op::UNBOX_INT, n);
  Ref lt = b.emit(Op::CMP_I64, iv, nv, kNoRef, 0, Py_LT);
  b.emit(Op::GUARD_TRUE, lt, kNoRef, kNoRef, 0, 0, entry);
  Ref one = b.const_i64(1);
  int32_t ovf = b.add_snapshot(snapshot({local(0, i), local(1, n)}));
  Ref next = b.emit(Op::ADD_I64_OVF, iv, one, kNoRef, 0, 0, ovf);
  int32_t box_failed = b.add_snapshot(snapshot({local(0, i), local(1, n)}, false, Snapshot::RaiseAt));
  Ref boxed = b.emit(Op::BOX_INT, next, kNoRef, kNoRef, 0, 0, box_failed);
  Ref old = b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0);
  b.emit(Op::XDECREF, old);
  b.emit(Op::DECREF, boxed);
  int32_t head = b.add_snapshot(snapshot({}));
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, head);
}

// ---- loops, refcounts, the eval breaker -----------------------------------------------

TEST_F(JitBackendTest, CountingLoopMatchesPython) {
  Trace trace;
  build_count_loop(trace);
  ASSERT_EQ(verify(trace), "");
  PyObject* zero = own_int(0);
  PyObject* n = PyLong_FromLong(100000);
  Compared r = compare(trace, {locals_of({zero, n})}, {zero, n});
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.locals[0], "int:100000");  // Python: i ends equal to n
  Py_DECREF(zero);
  Py_DECREF(n);
}

TEST_F(JitBackendTest, CountingLoopExitsOnTypeAndOverflow) {
  Trace trace;
  build_count_loop(trace);
  PyObject* f = PyFloat_FromDouble(1.5);
  PyObject* big = PyLong_FromLongLong(INT64_MAX);
  PyObject* huge = eval("2**70");
  PyObject* near = PyLong_FromLongLong(INT64_MAX - 3);
  EXPECT_EQ(compare(trace, {locals_of({f, big})}, {f, big}).exit, 0);        // i a float
  EXPECT_EQ(compare(trace, {locals_of({near, huge})}, {near, huge}).exit, 0);  // n > int64
  // i counts up to INT64_MAX exactly (the last i + 1 never runs: i < n fails first).
  Compared o = compare(trace, {locals_of({near, big})}, {near, big});
  EXPECT_EQ(o.exit, 0);
  EXPECT_EQ(o.locals[0], "int:9223372036854775807");
  Py_DECREF(f);
  Py_DECREF(big);
  Py_DECREF(huge);
  Py_DECREF(near);
}

TEST_F(JitBackendTest, EvalBreakerExitsAtTheBackEdge) {
  Trace trace;
  build_count_loop(trace);
  PyObject* zero = own_int(0);
  PyObject* n = PyLong_FromLong(1000);
  Case c{locals_of({zero, n})};
  c.eval_breaker = 1;
  Compared r = compare(trace, c, {zero, n});
  EXPECT_EQ(r.exit, static_cast<int>(trace.snapshots.size()) - 1);  // LOOP's snapshot
  EXPECT_EQ(r.locals[0], "int:1");  // exactly one iteration ran
  Py_DECREF(zero);
  Py_DECREF(n);
}

TEST_F(JitBackendTest, OverflowExitsKeepTheOperands) {
  struct OvfCase {
    Op op;
    int64_t a, b;
  };
  const OvfCase cases[] = {
      {Op::ADD_I64_OVF, INT64_MAX, 1},  {Op::ADD_I64_OVF, INT64_MIN, -1},
      {Op::ADD_I64_OVF, 40, 2},         {Op::SUB_I64_OVF, INT64_MIN, 1},
      {Op::SUB_I64_OVF, 0, INT64_MIN},  {Op::SUB_I64_OVF, -5, 7},
      {Op::MUL_I64_OVF, INT64_MAX, 2},  {Op::MUL_I64_OVF, INT64_MIN, -1},
      {Op::MUL_I64_OVF, 1LL << 31, 1LL << 31}, {Op::MUL_I64_OVF, -3, 7},
      {Op::NEG_I64_OVF, INT64_MIN, 0},  {Op::NEG_I64_OVF, INT64_MAX, 0},
  };
  for (const OvfCase& oc : cases) {
    Trace trace;
    IRBuilder b(trace);
    Ref a = b.const_i64(oc.a);
    Ref bb = b.const_i64(oc.b);
    int32_t ovf = b.add_snapshot(snapshot({local(0, a), local(1, bb)}));
    Ref r = oc.op == Op::NEG_I64_OVF ? b.emit(oc.op, a, kNoRef, kNoRef, 0, 0, ovf)
                                     : b.emit(oc.op, a, bb, kNoRef, 0, 0, ovf);
    int32_t done = b.add_snapshot(snapshot({local(0, r)}));
    finish_straight(b, done);
    Compared c = compare(trace, {});
    // float64/int128 oracle: did the exact result fit?
    __int128 exact = oc.op == Op::ADD_I64_OVF   ? (__int128)oc.a + oc.b
                     : oc.op == Op::SUB_I64_OVF ? (__int128)oc.a - oc.b
                     : oc.op == Op::MUL_I64_OVF ? (__int128)oc.a * oc.b
                                                : -(__int128)oc.a;
    bool fits = exact >= INT64_MIN && exact <= INT64_MAX;
    EXPECT_EQ(c.exit, fits ? done : ovf) << op_info(oc.op).name << " " << oc.a << " " << oc.b;
    if (fits) { EXPECT_EQ(static_cast<int64_t>(c.values[0]), static_cast<int64_t>(exact)); }
  }
}

// ---- every guard, passing and failing --------------------------------------------------

TEST_F(JitBackendTest, EveryInlineGuardPassesAndFails) {
  PyObject* d = PyDict_New();
  PyDict_SetItemString(d, "k", Py_None);
  uint64_t version = reinterpret_cast<PyDictObject*>(d)->ma_version_tag;
  PyTypeObject* type = &PyLong_Type;
  unsigned int tag = type->tp_version_tag;  // whatever it is now: tag + 1 differs
  PyObject* one = own_int(1);
  struct GuardCase {
    Op op;
    PyObject* operand;  // the local the guard reads
    int64_t imm;
    bool passes;
  };
  const GuardCase cases[] = {
      {Op::GUARD_TYPE, one, reinterpret_cast<int64_t>(&PyLong_Type), true},
      {Op::GUARD_TYPE, one, reinterpret_cast<int64_t>(&PyFloat_Type), false},
      {Op::GUARD_IS, one, reinterpret_cast<int64_t>(one), true},
      {Op::GUARD_IS, one, reinterpret_cast<int64_t>(Py_None), false},
      {Op::GUARD_IS_NOT, one, reinterpret_cast<int64_t>(Py_None), true},
      {Op::GUARD_IS_NOT, one, reinterpret_cast<int64_t>(one), false},
      {Op::GUARD_NOT_NULL, one, 0, true},
      {Op::GUARD_NOT_NULL, nullptr, 0, false},
      {Op::GUARD_DICT_VERSION, d, static_cast<int64_t>(version), true},
      {Op::GUARD_DICT_VERSION, d, static_cast<int64_t>(version + 1), false},
      {Op::GUARD_TYPE_VERSION, reinterpret_cast<PyObject*>(type), tag, true},
      {Op::GUARD_TYPE_VERSION, reinterpret_cast<PyObject*>(type), tag + 1, false},
      // the imm's upper 32 bits are ignored, as interpret() reads tp_version_tag
      {Op::GUARD_TYPE_VERSION, reinterpret_cast<PyObject*>(type), tag + (int64_t{1} << 32), true},
      {Op::GUARD_TYPE_VERSION, reinterpret_cast<PyObject*>(type), 0xFFFFFFFFll, tag == 0xFFFFFFFFu},
      {Op::GUARD_TYPE_VERSION, reinterpret_cast<PyObject*>(type), -1, tag == 0xFFFFFFFFu},
      {Op::GUARD_INT64, one, 0, true},
      {Op::GUARD_INT64, Py_None, 0, false},
  };
  for (const GuardCase& gc : cases) {
    Trace trace;
    IRBuilder b(trace);
    Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t fail = b.add_snapshot(snapshot({local(0, x)}));
    b.emit(gc.op, x, kNoRef, kNoRef, gc.imm, 0, fail);
    int32_t pass = b.add_snapshot(snapshot({local(0, x), stack(0, x)}));
    finish_straight(b, pass);
    Compared c = compare(trace, {locals_of({gc.operand})}, {one, d});
    EXPECT_EQ(c.exit, gc.passes ? pass : fail) << op_info(gc.op).name;
  }
  Py_DECREF(one);
  Py_DECREF(d);
}

// GUARD_INT64 + UNBOX_INT are inlined for ints of up to two digits, the helper otherwise:
// every digit count and edge, and the non-exact ints (bool, a subclass) that must fail.
TEST_F(JitBackendTest, IntUnboxingAtEveryWidth) {
  PyObject* values = eval(
      "[0, 1, -1, 2**30 - 1, 2**30, -(2**30 - 1), -(2**30), 2**30 + 12345, -(2**45 + 7),"
      " 2**60 - 1, -(2**60 - 1), 2**60, -(2**60), 2**63 - 1,"
      " -(2**63), 2**63, -(2**63) - 1, 2**90, True, False, I(5), 1.0, None]",
      "class I(int):\n    pass\n");
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(values); k++) {
    PyObject* value = PyList_GET_ITEM(values, k);
    Trace trace;
    IRBuilder b(trace);
    Ref x = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t fail = b.add_snapshot(snapshot({local(0, x)}));
    b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0, fail);
    Ref v = b.emit(Op::UNBOX_INT, x);
    int32_t done = b.add_snapshot(snapshot({stack(0, v)}));
    finish_straight(b, done);
    Compared r = compare(trace, {locals_of({value})}, {value});
    // Python oracle: an exact int within int64 unboxes to its value
    int overflow = 0;
    long long expected = PyLong_CheckExact(value) ? PyLong_AsLongLongAndOverflow(value, &overflow) : 0;
    bool fits = PyLong_CheckExact(value) && overflow == 0;
    EXPECT_EQ(r.exit, fits ? done : fail) << repr_of(value);
    if (fits && r.exit == done) {
      EXPECT_EQ(static_cast<long long>(r.values[0]), expected) << repr_of(value);
    }
  }
  Py_DECREF(values);
}

TEST_F(JitBackendTest, BoolAndNumberGuards) {
  struct GuardCase {
    Op op;
    Type type;
    uint64_t value;
    bool passes;
  };
  const double nan = std::nan("");
  const GuardCase cases[] = {
      {Op::GUARD_TRUE, Type::Bool, 1, true},       {Op::GUARD_TRUE, Type::Bool, 0, false},
      {Op::GUARD_FALSE, Type::Bool, 0, true},      {Op::GUARD_FALSE, Type::Bool, 1, false},
      {Op::GUARD_NONZERO_I64, Type::I64, 7, true}, {Op::GUARD_NONZERO_I64, Type::I64, 0, false},
      {Op::GUARD_NONZERO_I64, Type::I64, uint64_t(INT64_MIN), true},
      {Op::GUARD_NONZERO_F64, Type::F64, bits_of(0.5), true},
      {Op::GUARD_NONZERO_F64, Type::F64, bits_of(0.0), false},
      {Op::GUARD_NONZERO_F64, Type::F64, bits_of(-0.0), false},
      {Op::GUARD_NONZERO_F64, Type::F64, bits_of(nan), true},  // NaN != 0.0
      {Op::GUARD_NONZERO_F64, Type::F64, bits_of(5e-324), true},
  };
  for (const GuardCase& gc : cases) {
    Trace trace;
    IRBuilder b(trace);
    Ref x = gc.type == Type::Bool  ? b.const_bool(gc.value)
            : gc.type == Type::I64 ? b.const_i64(static_cast<int64_t>(gc.value))
                                   : b.const_f64(double_of(gc.value));
    int32_t fail = b.add_snapshot(snapshot({local(0, x)}));
    b.emit(gc.op, x, kNoRef, kNoRef, 0, 0, fail);
    int32_t pass = b.add_snapshot(snapshot({stack(0, x)}));
    finish_straight(b, pass);
    Compared c = compare(trace, {});
    EXPECT_EQ(c.exit, gc.passes ? pass : fail) << op_info(gc.op).name << " " << gc.value;
    EXPECT_EQ(c.values[0], gc.value);
  }
}

TEST_F(JitBackendTest, SequenceGuardsAndItems) {
  PyObject* list = eval("[10, 20, 30]");
  PyObject* tuple = eval("(1.5, 'x')");
  for (PyObject* seq : {list, tuple}) {
    for (int64_t index : {-4, -3, -1, 0, 1, 2, 3, 100}) {
      for (int64_t len : {2, 3}) {
        Trace trace;
        IRBuilder b(trace);
        Ref s = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
        Ref i = b.const_i64(index);
        int32_t bad_len = b.add_snapshot(snapshot({local(0, s)}));
        b.emit(Op::GUARD_LEN, s, kNoRef, kNoRef, len, 0, bad_len);
        int32_t bad_index = b.add_snapshot(snapshot({local(0, s), stack(0, i)}));
        b.emit(Op::GUARD_INDEX, s, i, kNoRef, 0, 0, bad_index);
        Ref item = b.emit(Op::SEQ_ITEM, s, i);
        int32_t done = b.add_snapshot(snapshot({stack(0, item), owned(item)}));
        finish_straight(b, done);
        Compared c = compare(trace, {locals_of({seq})}, {seq});
        Py_ssize_t n = Py_SIZE(seq);
        int expected = n != len ? bad_len : (index < -n || index >= n) ? bad_index : done;
        EXPECT_EQ(c.exit, expected) << repr_of(seq) << "[" << index << "] len " << len;
      }
    }
  }
  Py_DECREF(list);
  Py_DECREF(tuple);
}

// ---- arithmetic and comparisons -------------------------------------------------------

TEST_F(JitBackendTest, IntComparisonsAndBitOps) {
  const int64_t values[] = {INT64_MIN, -7, -1, 0, 1, 3, 7, INT64_MAX};
  for (int64_t x : values) {
    for (int64_t y : values) {
      Trace trace;
      IRBuilder b(trace);
      Ref a = b.const_i64(x), c = b.const_i64(y);
      std::vector<SnapEntry> entries;
      for (int cmp = Py_LT; cmp <= Py_GE; cmp++) {
        entries.push_back(stack(cmp, b.emit(Op::CMP_I64, a, c, kNoRef, 0, cmp)));
      }
      entries.push_back(stack(6, b.emit(Op::AND_I64, a, c)));
      entries.push_back(stack(7, b.emit(Op::OR_I64, a, c)));
      entries.push_back(stack(8, b.emit(Op::XOR_I64, a, c)));
      Ref is = b.emit(Op::IS, a, c);
      entries.push_back(stack(9, is));
      entries.push_back(stack(10, b.emit(Op::NOT_BOOL, is)));
      entries.push_back(stack(11, b.emit(Op::I64_TO_F64, a)));
      if (y != 0) {
        Ref floordiv = y == -1 ? a : b.emit(Op::FLOORDIV_I64, a, c);
        entries.push_back(stack(12, floordiv));
        entries.push_back(stack(13, b.emit(Op::MOD_I64, a, c)));
      }
      int32_t done = b.add_snapshot(snapshot(entries));
      finish_straight(b, done);
      Compared r = compare(trace, {});
      ASSERT_EQ(r.exit, done);
      // oracle: C++ semantics of the same comparisons / bit ops
      EXPECT_EQ(r.values[0], uint64_t(x < y));
      EXPECT_EQ(r.values[2], uint64_t(x == y));
      EXPECT_EQ(r.values[5], uint64_t(x >= y));
      EXPECT_EQ(static_cast<int64_t>(r.values[8]), x ^ y);
      EXPECT_EQ(r.values[10], uint64_t(x != y));
      EXPECT_EQ(double_of(r.values[11]), static_cast<double>(x));
    }
  }
}

TEST_F(JitBackendTest, FloatArithmeticAndComparisonsFollowIEEE) {
  const double inf = INFINITY, nan = std::nan("");
  const double values[] = {-inf, -2.5, -0.0, 0.0, 1e-310, 1.0, 3.0, inf, nan};
  for (double x : values) {
    for (double y : values) {
      Trace trace;
      IRBuilder b(trace);
      Ref a = b.const_f64(x), c = b.const_f64(y);
      std::vector<SnapEntry> entries;
      for (int cmp = Py_LT; cmp <= Py_GE; cmp++) {
        entries.push_back(stack(cmp, b.emit(Op::CMP_F64, a, c, kNoRef, 0, cmp)));
      }
      entries.push_back(stack(6, b.emit(Op::ADD_F64, a, c)));
      entries.push_back(stack(7, b.emit(Op::SUB_F64, a, c)));
      entries.push_back(stack(8, b.emit(Op::MUL_F64, a, c)));
      entries.push_back(stack(9, b.emit(Op::DIV_F64, a, c)));
      entries.push_back(stack(10, b.emit(Op::NEG_F64, a)));
      int32_t done = b.add_snapshot(snapshot(entries));
      finish_straight(b, done);
      Compared r = compare(trace, {});
      ASSERT_EQ(r.exit, done);
      // float64 oracle
      EXPECT_EQ(r.values[0], uint64_t(x < y)) << x << " < " << y;
      EXPECT_EQ(r.values[1], uint64_t(x <= y));
      EXPECT_EQ(r.values[2], uint64_t(x == y));
      EXPECT_EQ(r.values[3], uint64_t(x != y));
      EXPECT_EQ(r.values[4], uint64_t(x > y));
      EXPECT_EQ(r.values[5], uint64_t(x >= y));
      EXPECT_EQ(r.values[6], bits_of(x + y));
      EXPECT_EQ(r.values[10], bits_of(-x));
    }
  }
}

TEST_F(JitBackendTest, BoxingAndUnboxing) {
  PyObject* f = PyFloat_FromDouble(-2.25);
  PyObject* i = PyLong_FromLongLong(-123456789012345LL);
  Trace trace;
  IRBuilder b(trace);
  Ref fo = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref io = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  Ref fv = b.emit(Op::UNBOX_FLOAT, fo);
  Ref iv = b.emit(Op::UNBOX_INT, io);
  int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
  Ref fb = b.emit(Op::BOX_FLOAT, fv, kNoRef, kNoRef, 0, 0, raise);
  int32_t raise2 = b.add_snapshot(snapshot({owned(fb)}, false, Snapshot::RaiseAt));
  Ref ib = b.emit(Op::BOX_INT, iv, kNoRef, kNoRef, 0, 0, raise2);
  Ref t = b.emit(Op::BOX_BOOL, b.emit(Op::CMP_F64, fv, fv, kNoRef, 0, Py_EQ));
  Ref nt = b.emit(Op::BOX_BOOL, b.const_bool(false));
  int32_t done = b.add_snapshot(
      snapshot({stack(0, fv), stack(1, iv), stack(2, t), stack(3, nt), owned(fb), owned(ib)}));
  finish_straight(b, done);
  Compared r = compare(trace, {locals_of({f, i})}, {f, i});
  ASSERT_EQ(r.exit, done);
  EXPECT_EQ(double_of(r.values[0]), -2.25);
  EXPECT_EQ(static_cast<int64_t>(r.values[1]), -123456789012345LL);
  EXPECT_EQ(as_obj(r.values[2]), Py_True);
  EXPECT_EQ(as_obj(r.values[3]), Py_False);
  Py_DECREF(f);
  Py_DECREF(i);
}

// ---- the frame, reference counts, deallocation ----------------------------------------

TEST_F(JitBackendTest, StoreLocalSwapsReferencesExactly) {
  PyObject* a = eval("object()");
  PyObject* x = eval("object()");
  Trace trace;
  IRBuilder b(trace);
  Ref va = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref vs = b.emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, 1);
  Ref old1 = b.emit(Op::STORE_LOCAL, vs, kNoRef, kNoRef, 0, 1);  // local 1 was NULL
  b.emit(Op::XDECREF, old1);
  Ref old0 = b.emit(Op::STORE_LOCAL, vs, kNoRef, kNoRef, 0, 0);  // replaces a
  b.emit(Op::XDECREF, old0);
  b.emit(Op::INCREF, va);
  b.emit(Op::DECREF, va);
  Ref alias = b.emit(Op::NEWREF, va);  // an owned alias, released below
  b.emit(Op::DECREF, alias);
  Ref kept = b.emit(Op::NEWREF, vs);  // owned across the exit: released by it
  int32_t done = b.add_snapshot(snapshot({local(0, vs), stack(0, va), stack(1, kept), owned(kept)}));
  finish_straight(b, done);
  Case c{locals_of({a, nullptr}), locals_of({Py_None, x})};
  Py_ssize_t a_before = Py_REFCNT(a), x_before = Py_REFCNT(x);
  Compared r = compare(trace, c, {a, x});
  EXPECT_EQ(r.locals[0], repr_of(x));
  EXPECT_EQ(r.locals[1], repr_of(x));
  EXPECT_EQ(Py_REFCNT(a), a_before);
  EXPECT_EQ(Py_REFCNT(x), x_before);
  Py_DECREF(a);
  Py_DECREF(x);
}

TEST_F(JitBackendTest, DecrefToZeroDeallocates) {
  // A list whose last reference the trace drops: its items' finalizers run inside the trace.
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String("log = []\nclass D:\n    def __del__(self): log.append(1)\n",
                             Py_file_input, ns, ns);
  Py_XDECREF(r);
  PyObject* D = PyDict_GetItemString(ns, "D");
  PyObject* dlog = PyDict_GetItemString(ns, "log");
  Trace trace;
  IRBuilder b(trace);
  Ref item = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
  Ref list = b.emit_list(Op::NEW_LIST, {item, item}, kNoRef, 0, 0, raise);
  // A private object, not None: the cyclic GC may free unrelated garbage holding None.
  PyObject* marker = eval("object()");
  Ref old = b.emit(Op::STORE_LOCAL, b.const_obj(marker), kNoRef, kNoRef, 0, 0);
  b.emit(Op::DECREF, old);  // the frame's reference to the D instance
  b.emit(Op::DECREF, list);  // the last references: D.__del__ runs here
  int32_t done = b.add_snapshot(snapshot({}));
  finish_straight(b, done);
  auto make_locals = [D] { return std::vector<PyObject*>{PyObject_CallNoArgs(D)}; };
  Compared c = compare(trace, {make_locals}, {marker});
  EXPECT_EQ(c.exit, done);
  EXPECT_EQ(PyList_GET_SIZE(dlog), 2);  // one finalizer run per executor
  Py_DECREF(marker);
  Py_DECREF(ns);
}

// ---- helpers: calls, exceptions, iteration ----------------------------------------------

TEST_F(JitBackendTest, HelperErrorsExitWithTheSameException) {
  PyObject* zero = own_int(0);
  PyObject* one = own_int(1);
  PyObject* name = PyUnicode_InternFromString("no_such_attr");
  PyObject* bad_bool = eval("B()", "class B:\n    def __bool__(self): raise ValueError('nope')\n");
  struct ErrorCase {
    Op op;
    std::vector<PyObject*> operands;
    int32_t aux;
    int64_t imm;
    const char* error;
  };
  const ErrorCase cases[] = {
      {Op::OBJ_BINARY, {one, zero}, NB_TRUE_DIVIDE, 0, "ZeroDivisionError: division by zero"},
      {Op::OBJ_BINARY, {one, Py_None}, NB_ADD, 0, "TypeError"},
      {Op::OBJ_BINARY, {one, one}, NB_ADD, 0, ""},
      {Op::COMPARE, {one, Py_None}, Py_LT, 0, "TypeError"},
      {Op::TRUTH, {bad_bool}, 0, 0, "ValueError: nope"},
      {Op::TRUTH, {one}, 0, 0, ""},
      {Op::UNARY, {Py_None}, 0, 0, "TypeError"},
      {Op::CONTAINS, {one, one}, 0, 0, "TypeError"},
      {Op::GETITEM, {one, one}, 0, 0, "TypeError"},
      {Op::SETITEM, {one, one, one}, 0, 0, "TypeError"},
      {Op::GETATTR, {one}, 0, reinterpret_cast<int64_t>(name), "AttributeError"},
      {Op::SETATTR, {one, one}, 0, reinterpret_cast<int64_t>(name), "AttributeError"},
      {Op::APPEND, {Py_None, one}, 0, 0, "SystemError"},
      {Op::CHECK_BREAKER, {one}, 0, 0, ""},  // no signal pending: nothing happens
      {Op::GUARD_NOT_TRACING, {one}, 0, 0, ""},  // no sys.settrace: passes
  };
  for (const ErrorCase& ec : cases) {
    Trace trace;
    IRBuilder b(trace);
    std::vector<Ref> refs;
    for (size_t k = 0; k < ec.operands.size(); k++) {
      refs.push_back(b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, int32_t(k)));
    }
    refs.resize(3, kNoRef);
    int32_t raise = b.add_snapshot(snapshot({local(0, refs[0])}, false, Snapshot::RaiseAt));
    b.set_pc(3);  // helpers that may run code see the frame at this instruction
    const int n = op_info(ec.op).operands;
    Ref res = b.emit(ec.op, n > 0 ? refs[0] : kNoRef, n > 1 ? refs[1] : kNoRef,
                     n > 2 ? refs[2] : kNoRef, ec.imm, ec.aux, raise);
    std::vector<SnapEntry> entries = {local(0, refs[0])};
    if (trace.ops[res].type != Type::Void) entries.push_back(stack(0, res));
    if (op_info(ec.op).flags & kOwned) entries.push_back(owned(res));
    int32_t done = b.add_snapshot(snapshot(entries));
    finish_straight(b, done);
    Compared r = compare(trace, {locals_of(ec.operands)}, {one, zero});
    std::string expected = ec.error;
    EXPECT_EQ(r.exit, expected.empty() ? done : raise) << op_info(ec.op).name << " " << r.error;
    EXPECT_EQ(r.error.substr(0, expected.size()), expected) << op_info(ec.op).name;
    EXPECT_EQ(r.frame_instr, (op_info(ec.op).flags & kEffect) ? 3 : -1) << op_info(ec.op).name;
  }
  Py_DECREF(zero);
  Py_DECREF(one);
  Py_DECREF(name);
  Py_DECREF(bad_bool);
}

TEST_F(JitBackendTest, CallsWithOperandLists) {
  PyObject* f = eval("f", "def f(*args):\n    return repr(args)\n");
  PyObject* boom = eval("g", "def g(*args):\n    raise KeyError(len(args))\n");
  PyObject* arg0 = eval("object()");  // private: its refcount is ours to watch
  for (PyObject* callee : {f, boom}) {
    for (int count : {0, 1, 3, 7}) {
      Trace trace;
      IRBuilder b(trace);
      Ref fn = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
      std::vector<Ref> args;
      for (int k = 0; k < count; k++) {
        args.push_back(k % 2 ? b.const_obj(PyLong_FromLong(k * 11))
                             : b.emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, 0));
        if (k % 2) Py_DECREF(reinterpret_cast<PyObject*>(trace.ops[args.back()].imm));
      }
      int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
      Ref res = b.emit_list(Op::OBJ_CALL, args, fn, 0, 0, raise);
      Ref tuple = b.emit_list(Op::NEW_TUPLE, args, kNoRef, 0, 0, b.add_snapshot(snapshot({owned(res)}, false, Snapshot::RaiseAt)));
      int32_t done = b.add_snapshot(snapshot({stack(0, res), owned(res), stack(1, tuple), owned(tuple)}));
      finish_straight(b, done);
      Case c{locals_of({callee}), locals_of({arg0})};
      Compared r = compare(trace, c, {callee, arg0});
      if (callee == f) {
        EXPECT_EQ(r.exit, done);
      } else {
        EXPECT_EQ(r.error, "KeyError: " + std::to_string(count));
      }
    }
  }
  Py_DECREF(f);
  Py_DECREF(boom);
  Py_DECREF(arg0);
}

// f(*seq, **d) as CALL_FUNCTION_EX records it: the list extended by seq, made a tuple,
// CALL_EX with the dict after GUARD_DICT_EMPTY; and a bound method's __self__ through
// LOAD_FIELD. The results are checked against Python's own repr of the same call.
TEST_F(JitBackendTest, CallsThroughArgumentTuplesAndMethodFields) {
  // f keeps what it was called with (the trace's result is released by compare()).
  PyObject* f = eval("f", "def f(*args, seen=[], **kw):\n    seen.append(repr((args, kw)))\n"
                          "    return None\n");
  PyObject* boom = eval("g", "def g(*args, **kw):\n    raise KeyError(len(args))\n");
  PyObject* holder = eval("H()", "class H:\n    def m(self):\n        pass\n");
  PyObject* method = PyObject_GetAttrString(holder, "m");
  PyObject* empty = eval("{}");
  PyObject* full = eval("{'k': 1}");
  for (PyObject* callee : {f, boom}) {
    for (PyObject* seq : {eval("(1, 2, 3)"), eval("['a']"), eval("()")}) {
      for (PyObject* kw : {empty, full}) {
        Trace trace;
        IRBuilder b(trace);
        Ref fn = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
        Ref m = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
        Ref d = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 2);
        Ref items = b.emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, 0);
        int32_t not_empty = b.add_snapshot(snapshot({}));
        b.emit(Op::GUARD_DICT_EMPTY, d, kNoRef, kNoRef, 0, 0, not_empty);
        Ref list = b.emit_list(Op::NEW_LIST, {}, kNoRef, 0, 0,
                               b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt)));
        int32_t with_list = b.add_snapshot(snapshot({owned(list)}, false, Snapshot::RaiseAt));
        b.emit(Op::EXTEND_LIST, list, items, kNoRef, 0, 0, with_list);
        Ref tuple = b.emit(Op::LIST_AS_TUPLE, list, kNoRef, kNoRef, 0, 0, with_list);
        Ref res = b.emit(Op::CALL_EX, fn, tuple, d, 0, 0,
                         b.add_snapshot(snapshot({owned(list), owned(tuple)}, false,
                                                 Snapshot::RaiseAt)));
        Ref self = b.emit(Op::LOAD_FIELD, m, kNoRef, kNoRef, 0, offsetof(PyMethodObject, im_self));
        int32_t done = b.add_snapshot(snapshot({stack(0, res), owned(res), stack(1, self),
                                                owned(self), owned(list), owned(tuple)}));
        finish_straight(b, done);
        Case c{locals_of({callee, method, kw}), locals_of({seq})};
        Compared r = compare(trace, c, {callee, method, kw, seq, holder});
        if (kw == full) {
          EXPECT_EQ(r.exit, not_empty);
        } else if (callee == boom) {
          EXPECT_EQ(r.error, "KeyError: " + std::to_string(PyObject_Length(seq)));
        } else {
          ASSERT_EQ(r.exit, done);
          PyObject* args = PySequence_Tuple(seq);
          PyObject* expected = PyObject_Call(f, args, empty);
          // f's last three calls: the interpreter's, the machine code's, then Python's own
          // f(*seq, **{}) (the oracle).
          PyObject* seen = PyDict_GetItemString(PyFunction_GET_KW_DEFAULTS(f), "seen");
          Py_ssize_t n = PyList_GET_SIZE(seen);
          const char* want = PyUnicode_AsUTF8(PyList_GET_ITEM(seen, n - 1));
          EXPECT_STREQ(PyUnicode_AsUTF8(PyList_GET_ITEM(seen, n - 3)), want);
          EXPECT_STREQ(PyUnicode_AsUTF8(PyList_GET_ITEM(seen, n - 2)), want);
          EXPECT_EQ(as_obj(r.values[2]), holder);
          Py_DECREF(args);
          Py_DECREF(expected);
        }
      }
      Py_DECREF(seq);
    }
  }
  for (PyObject* o : {f, boom, holder, method, empty, full}) Py_DECREF(o);
}

// for x in <list>: total = total + x  (list iterator inline, then range, then generic).
TEST_F(JitBackendTest, IterationLoops) {
  PyObject* items = eval("[3, 1, 4, 1, 5, 9, 2, 6]");
  for (int kind : {0, 1, 2}) {  // 0 list iterator, 1 range iterator, 2 generic (ITER_NEXT)
    Trace trace;
    IRBuilder b(trace);
    Ref it = b.emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref total = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t head = b.add_snapshot(snapshot({local(0, total), stack(0, it)}));
    Ref x, xv;
    int32_t exhausted = head;
    if (kind == 0) {
      b.emit(Op::GUARD_ITER_NOT_DONE, it, kNoRef, kNoRef, 0, 0, head);
      x = b.emit(Op::LIST_ITER_NEXT, it);
      b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0,
             b.add_snapshot(snapshot({local(0, total), stack(0, it), owned(x)})));
      xv = b.emit(Op::UNBOX_INT, x);
      b.emit(Op::DECREF, x);
    } else if (kind == 1) {
      b.emit(Op::GUARD_ITER_NOT_DONE, it, kNoRef, kNoRef, 0, 1, head);
      xv = b.emit(Op::RANGE_ITER_NEXT, it);
    } else {
      x = b.emit(Op::ITER_NEXT, it, kNoRef, kNoRef,
                 reinterpret_cast<int64_t>(exhausted_sentinel()), 0,
                 b.add_snapshot(snapshot({local(0, total)}, false, Snapshot::RaiseAt)));
      // Exhausted: the iterator has moved on, so this exit is its own, not forceable.
      exhausted = b.add_snapshot(snapshot({local(0, total), stack(0, it)}, false));
      b.emit(Op::GUARD_IS_NOT, x, kNoRef, kNoRef,
             reinterpret_cast<int64_t>(exhausted_sentinel()), 0, exhausted);
      b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0,
             b.add_snapshot(snapshot({local(0, total), stack(0, it), owned(x)})));
      xv = b.emit(Op::UNBOX_INT, x);
      b.emit(Op::DECREF, x);
    }
    b.emit(Op::GUARD_INT64, total, kNoRef, kNoRef, 0, 0, head);
    Ref tv = b.emit(Op::UNBOX_INT, total);
    Ref sum = b.emit(Op::ADD_I64_OVF, tv, xv, kNoRef, 0, 0, head);
    Ref boxed = b.emit(Op::BOX_INT, sum, kNoRef, kNoRef, 0, 0,
                       b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt)));
    b.emit(Op::XDECREF, b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0));
    b.emit(Op::DECREF, boxed);
    b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, b.add_snapshot(snapshot({})));
    ASSERT_EQ(verify(trace), "") << print_trace(trace);
    PyObject* source = kind == 1 ? eval("range(5, 1000, 7)") : items;
    if (kind == 1) {
      ASSERT_TRUE(range_iter_layout_ok());
    }
    // The iterator is the value-stack operand; each run gets a fresh one.
    PyObject* zero = own_int(0);
    Case c{locals_of({zero}), [source] { return std::vector<PyObject*>{PyObject_GetIter(source)}; }};
    Compared r = compare(trace, c, {zero, source});
    EXPECT_EQ(r.exit, exhausted);
    long long expected = kind == 1 ? 0 : 31;  // sum([3, 1, 4, 1, 5, 9, 2, 6])
    if (kind == 1) {
      for (int v = 5; v < 1000; v += 7) expected += v;
    }
    EXPECT_EQ(r.locals[0], "int:" + std::to_string(expected));
    Py_DECREF(zero);
    if (kind == 1) Py_DECREF(source);
  }
  Py_DECREF(items);
}

// The inline iterator paths at their edges: an exhausted list iterator (it_seq NULL), an
// empty list, ranges with negative steps and values near 2**61, lists shrunk mid-loop.
TEST_F(JitBackendTest, IteratorEdges) {
  struct IterCase {
    const char* make;  // Python expression for the iterator
    int kind;          // 0 list iterator, 1 range iterator
    int64_t expected;  // sum of the items, by Python
  };
  PyObject* sums = eval(
      "[sum(range(10, -10, -3)), sum(range(2**61, 2**61 + 3)), sum(range(0)),"
      " sum(range(-5, 5, 4))]");
  const IterCase cases[] = {
      {"iter([])", 0, 0},
      {"(lambda it: (list(it), it)[1])(iter([1, 2]))", 0, 0},  // exhausted: it_seq is NULL
      {"iter([5, -7, 11])", 0, 9},
      {"range(10, -10, -3).__iter__()", 1, PyLong_AsLongLong(PyList_GET_ITEM(sums, 0))},
      {"range(2**61, 2**61 + 3).__iter__()", 1, PyLong_AsLongLong(PyList_GET_ITEM(sums, 1))},
      {"range(0).__iter__()", 1, 0},
      {"range(-5, 5, 4).__iter__()", 1, PyLong_AsLongLong(PyList_GET_ITEM(sums, 3))},
  };
  ASSERT_TRUE(range_iter_layout_ok());
  for (const IterCase& ic : cases) {
    Trace trace;
    IRBuilder b(trace);
    Ref it = b.emit(Op::LOAD_STACK, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref total = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    int32_t head = b.add_snapshot(snapshot({local(0, total), stack(0, it)}));
    b.emit(Op::GUARD_ITER_NOT_DONE, it, kNoRef, kNoRef, 0, ic.kind, head);
    Ref xv;
    if (ic.kind == 0) {
      Ref x = b.emit(Op::LIST_ITER_NEXT, it);
      b.emit(Op::GUARD_INT64, x, kNoRef, kNoRef, 0, 0,
             b.add_snapshot(snapshot({local(0, total), stack(0, it), owned(x)})));
      xv = b.emit(Op::UNBOX_INT, x);
      b.emit(Op::DECREF, x);
    } else {
      xv = b.emit(Op::RANGE_ITER_NEXT, it);
    }
    b.emit(Op::GUARD_INT64, total, kNoRef, kNoRef, 0, 0, head);
    Ref sum = b.emit(Op::ADD_I64_OVF, b.emit(Op::UNBOX_INT, total), xv, kNoRef, 0, 0, head);
    Ref boxed = b.emit(Op::BOX_INT, sum, kNoRef, kNoRef, 0, 0,
                       b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt)));
    b.emit(Op::XDECREF, b.emit(Op::STORE_LOCAL, boxed, kNoRef, kNoRef, 0, 0));
    b.emit(Op::DECREF, boxed);
    b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, b.add_snapshot(snapshot({})));
    PyObject* zero = own_int(0);
    std::string make = ic.make;
    Case c{locals_of({zero}), [make] { return std::vector<PyObject*>{eval(make.c_str())}; }};
    Compared r = compare(trace, c, {zero});
    EXPECT_EQ(r.exit, head) << ic.make;
    EXPECT_EQ(r.locals[0], "int:" + std::to_string(ic.expected)) << ic.make;
    Py_DECREF(zero);
  }
  Py_DECREF(sums);
}

// SEQ_ITEM reads lists (subclasses included, as PyList_Check) and tuples.
TEST_F(JitBackendTest, SequenceItemsOfSubclasses) {
  PyObject* seqs = eval("[L([1, 2, 3]), T((4, 5, 6)), [7, 8, 9], (10, 11, 12)]",
                        "class L(list):\n    pass\nclass T(tuple):\n    pass\n");
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(seqs); k++) {
    PyObject* seq = PyList_GET_ITEM(seqs, k);
    for (int64_t index : {-3, -1, 0, 2}) {
      Trace trace;
      IRBuilder b(trace);
      Ref s = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
      Ref i = b.const_i64(index);
      b.emit(Op::GUARD_INDEX, s, i, kNoRef, 0, 0, b.add_snapshot(snapshot({})));
      Ref item = b.emit(Op::SEQ_ITEM, s, i);
      int32_t done = b.add_snapshot(snapshot({stack(0, item), owned(item)}));
      finish_straight(b, done);
      Compared r = compare(trace, {locals_of({seq})}, {seq});
      ASSERT_EQ(r.exit, done);
      PyObject* expected = PySequence_GetItem(seq, index < 0 ? index + 3 : index);  // oracle
      EXPECT_EQ(as_obj(r.values[0]), expected) << repr_of(seq) << "[" << index << "]";
      Py_DECREF(expected);
    }
  }
  Py_DECREF(seqs);
}

// Names, cells, f-strings: the helpers behind LOAD_NAME/STORE_NAME, closures and
// FORMAT_VALUE/BUILD_STRING, through both executors.
TEST_F(JitBackendTest, NamesCellsAndStrings) {
  PyObject* ns = eval("({'a': 1}, {'b': 2.5}, {'c': 'x'})");
  PyObject* locals_dict = PyTuple_GET_ITEM(ns, 0);
  PyObject* globals_dict = PyTuple_GET_ITEM(ns, 1);
  PyObject* builtins_dict = PyTuple_GET_ITEM(ns, 2);
  for (const char* name : {"a", "b", "c", "missing"}) {
    PyObject* key = PyUnicode_InternFromString(name);
    Trace trace;
    IRBuilder b(trace);
    Ref d0 = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref d1 = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
    Ref d2 = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 2);
    int32_t raise = b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt));
    Ref v = b.emit(Op::NAME_LOAD, d0, d1, d2, reinterpret_cast<int64_t>(key), 0, raise);
    int32_t absent = b.add_snapshot(snapshot({owned(v)}, false));
    b.emit(Op::GUARD_IS_NOT, v, kNoRef, kNoRef, reinterpret_cast<int64_t>(exhausted_sentinel()),
           0, absent);
    Ref no_spec = b.emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, 0);  // NULL: no format spec
    Ref s = b.emit(Op::FORMAT, v, no_spec, kNoRef, 0, 0,
                   b.add_snapshot(snapshot({owned(v)}, false, Snapshot::RaiseAt)));
    Ref joined = b.emit_list(Op::CONCAT, {s, s}, kNoRef, 0, 0,
                             b.add_snapshot(snapshot({owned(v), owned(s)}, false, Snapshot::RaiseAt)));
    b.emit(Op::NAME_STORE, d0, joined, kNoRef, reinterpret_cast<int64_t>(key), 0,
           b.add_snapshot(snapshot({owned(v), owned(s), owned(joined)}, false, Snapshot::RaiseAt)));
    int32_t done = b.add_snapshot(snapshot({stack(0, v), owned(v), owned(s), owned(joined)}));
    finish_straight(b, done);
    // NAME_STORE writes the locals dict: each run gets a copy.
    Case c{[=] { return std::vector<PyObject*>{PyDict_Copy(locals_dict), Py_NewRef(globals_dict),
                                               Py_NewRef(builtins_dict)}; }};
    Compared r = compare(trace, c, {globals_dict, builtins_dict});
    EXPECT_EQ(r.exit, std::string(name) == "missing" ? absent : done) << name << " " << r.error;
    Py_DECREF(key);
  }
  for (bool empty : {true, false}) {
    Trace trace;
    IRBuilder b(trace);
    Ref c0 = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref got = b.emit(Op::CELL_GET, c0);
    int32_t was_empty = b.add_snapshot(snapshot({}));
    b.emit(Op::GUARD_NOT_NULL, got, kNoRef, kNoRef, 0, 0, was_empty);
    b.emit(Op::CELL_SET, c0, b.const_obj(Py_Ellipsis));
    int32_t done = b.add_snapshot(snapshot({stack(0, got), owned(got)}));
    finish_straight(b, done);
    PyObject* seven = own_int(7);
    // CELL_SET writes the cell: each run gets a new one.
    Case c{[=] { return std::vector<PyObject*>{PyCell_New(empty ? nullptr : seven)}; }};
    Compared r = compare(trace, c, {seven});
    EXPECT_EQ(r.exit, empty ? was_empty : done);
    if (!empty) {
      EXPECT_EQ(as_obj(r.values[0]), seven);
    }
    Py_DECREF(seven);
  }
  Py_DECREF(ns);
}

// Slices, deletion and dict displays: list[a:b] through SLICE + GETITEM, del d[k], {k: v}.
TEST_F(JitBackendTest, SlicesDictsAndDeletion) {
  PyObject* key = PyUnicode_FromString("k");
  PyObject* other = PyUnicode_FromString("absent");
  for (PyObject* deleted : {key, other}) {
    Trace trace;
    IRBuilder b(trace);
    Ref seq = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
    Ref k = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
    Ref del = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 2);
    Ref lo = b.const_obj(own_int(1));
    Py_DECREF(reinterpret_cast<PyObject*>(trace.ops[lo].imm));
    Ref none = b.const_obj(Py_None);
    Ref no_step = b.emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, 0);  // NULL
    Ref slice = b.emit(Op::SLICE, lo, none, no_step, 0, 0,
                       b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt)));
    Ref part = b.emit(Op::GETITEM, seq, slice, kNoRef, 0, 0,
                      b.add_snapshot(snapshot({owned(slice)}, false, Snapshot::RaiseAt)));
    Ref dict = b.emit_list(Op::NEW_DICT, {k, part}, kNoRef, 0, 0,
                           b.add_snapshot(snapshot({owned(slice), owned(part)}, false, Snapshot::RaiseAt)));
    int32_t raise = b.add_snapshot(snapshot({owned(slice), owned(part), owned(dict)}, false,
                                            Snapshot::RaiseAt));
    b.emit(Op::DELITEM, dict, del, kNoRef, 0, 0, raise);
    int32_t done = b.add_snapshot(
        snapshot({stack(0, slice), stack(1, part), stack(2, dict), owned(slice), owned(part), owned(dict)}));
    finish_straight(b, done);
    PyObject* list = eval("[1, 2, 3]");
    Compared r = compare(trace, {locals_of({list, key, deleted})}, {list, key, other});
    if (deleted == key) {
      EXPECT_EQ(r.exit, done);
    } else {
      EXPECT_EQ(r.exit, raise);
      EXPECT_EQ(r.error, "KeyError: 'absent'");
    }
    Py_DECREF(list);
  }
  Py_DECREF(key);
  Py_DECREF(other);
}

// GUARD_NOT_TRACING fails once a profile or trace function is active.
int ignore_profile_event(PyObject*, PyFrameObject*, int, PyObject*) { return 0; }

TEST_F(JitBackendTest, GuardNotTracingSeesAProfiler) {
  Trace trace;
  IRBuilder b(trace);
  int32_t tracing = b.add_snapshot(snapshot({}, false));
  b.emit(Op::GUARD_NOT_TRACING, kNoRef, kNoRef, kNoRef, 0, 0, tracing);
  int32_t done = b.add_snapshot(snapshot({}));
  finish_straight(b, done);
  EXPECT_EQ(compare(trace, {}).exit, done);
  PyEval_SetProfile(ignore_profile_event, nullptr);
  EXPECT_EQ(compare(trace, {}).exit, tracing);
  PyEval_SetProfile(nullptr, nullptr);
  EXPECT_EQ(compare(trace, {}).exit, done);
}

TEST_F(JitBackendTest, ListStoreAndAppend) {
  Trace trace;
  IRBuilder b(trace);
  Ref list = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  Ref v = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 1);
  Ref i = b.const_i64(-1);
  int32_t bad = b.add_snapshot(snapshot({local(0, list)}));
  b.emit(Op::GUARD_INDEX, list, i, kNoRef, 0, 0, bad);
  b.emit(Op::LIST_STORE, list, i, v);
  b.emit(Op::APPEND, list, v, kNoRef, 0, 0, b.add_snapshot(snapshot({}, false, Snapshot::RaiseAt)));
  // Passes after the first iteration (3 items), fails after the second (4 items).
  b.emit(Op::GUARD_LEN, list, kNoRef, kNoRef, 3, 0, bad);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, b.add_snapshot(snapshot({})));
  PyObject* value = eval("'v'");
  auto make = [value] {
    Py_INCREF(value);
    return std::vector<PyObject*>{eval("[1, 2]"), value};
  };
  Compared r = compare(trace, {make}, {value});
  EXPECT_EQ(r.exit, bad);
  EXPECT_EQ(r.locals[0], "list:[1, 'v', 'v', 'v']");
  Py_DECREF(value);
}

TEST_F(JitBackendTest, DeadOpsAreSkipped) {
  Trace trace;
  IRBuilder b(trace);
  Ref f = b.const_bool(false);
  int32_t never = b.add_snapshot(snapshot({}));
  b.emit(Op::GUARD_TRUE, f, kNoRef, kNoRef, 0, 0, never);
  trace.ops.back().dead = true;
  Ref x = b.const_i64(5);
  int32_t done = b.add_snapshot(snapshot({stack(0, x)}));
  finish_straight(b, done);
  EXPECT_EQ(compare(trace, {}).exit, done);
}

TEST_F(JitBackendTest, RefusesMalformedTraces) {
  Trace trace;
  IRBuilder b(trace);
  b.const_i64(1);  // no LOOP
  std::string why;
  EXPECT_EQ(compile(trace, &why), nullptr);
  EXPECT_NE(why.find("LOOP"), std::string::npos) << why;
}

// ---- JANUS_JIT_FORCE_DEOPT ----------------------------------------------------------------

TEST_F(JitBackendTest, ForcedDeoptsDrawTheSameSequence) {
  for (int period : {2, 3, 7}) {
    Trace trace;
    build_count_loop(trace);
    // compile with forcing on: the rolls are emitted
    set_force_deopt_period(period);
    std::string why;
    std::unique_ptr<MachineCode> code = compile(trace, &why);
    ASSERT_NE(code, nullptr) << why;
    PyObject* zero = own_int(0);
    PyObject* n = PyLong_FromLong(50);
    Case c{locals_of({zero, n})};
    std::vector<std::vector<std::string>> runs[2];
    std::vector<int> exits[2];
    for (int executor = 0; executor < 2; executor++) {
      set_force_deopt_period(period);  // resets the PRNG
      // Resume from the state each exit left, as tier 0 would re-enter the loop.
      std::vector<PyObject*> locals = c.make_locals();
      for (int step = 0; step < 40; step++) {
        Case from{locals_of(locals)};
        Outcome o = executor == 0
                        ? run_once(trace, [&](TraceContext* ctx) { return interpret(trace, ctx); }, from)
                        : run_once(trace, code->entry(), from);
        exits[executor].push_back(o.exit);
        for (PyObject* l : locals) Py_DECREF(l);
        locals = o.locals;
        for (PyObject* l : locals) Py_INCREF(l);
        release(trace, o);
        if (PyLong_AsLong(locals[0]) >= 50) break;
      }
      for (PyObject* l : locals) Py_DECREF(l);
    }
    EXPECT_EQ(exits[0], exits[1]) << "period " << period;
    EXPECT_GT(exits[0].size(), 1u);  // forced exits happened
    Py_DECREF(zero);
    Py_DECREF(n);
  }
}

// ---- randomized straight-line traces ------------------------------------------------------

// Builds a random trace of int/float/bool ops over a few locals (ints and floats, boundary
// values included), with guards that may fail and random snapshots; both executors must
// agree on every seed.
void build_random(Trace& trace, std::mt19937_64& rng, int locals, int min_ops = 10) {
  IRBuilder b(trace);
  std::vector<Ref> ints, floats, bools;
  auto pick = [&](std::vector<Ref>& from) { return from[rng() % from.size()]; };
  auto random_snapshot = [&](bool raise) {
    std::vector<SnapEntry> entries;
    int count = rng() % 5;
    std::vector<Ref> all;
    all.insert(all.end(), ints.begin(), ints.end());
    all.insert(all.end(), floats.begin(), floats.end());
    all.insert(all.end(), bools.begin(), bools.end());
    for (int k = 0; k < count && !all.empty(); k++) entries.push_back(stack(k, all[rng() % all.size()]));
    return b.add_snapshot(snapshot(entries, !raise && rng() % 2, raise ? Snapshot::RaiseAt : Snapshot::Resume));
  };
  for (int k = 0; k < locals; k++) {
    Ref obj = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, k);
    if (k % 2 == 0) {
      b.emit(Op::GUARD_INT64, obj, kNoRef, kNoRef, 0, 0, random_snapshot(false));
      ints.push_back(b.emit(Op::UNBOX_INT, obj));
    } else {
      b.emit(Op::GUARD_TYPE, obj, kNoRef, kNoRef, reinterpret_cast<int64_t>(&PyFloat_Type), 0,
             random_snapshot(false));
      floats.push_back(b.emit(Op::UNBOX_FLOAT, obj));
    }
  }
  const int64_t small[] = {0, 1, -1, 2, 3, 1000, INT64_MAX, INT64_MIN, 1LL << 32};
  ints.push_back(b.const_i64(small[rng() % 9]));
  floats.push_back(b.const_f64(static_cast<double>(static_cast<int>(rng() % 200) - 100) / 8));
  bools.push_back(b.const_bool(rng() % 2));
  int ops = min_ops + rng() % 40;
  for (int k = 0; k < ops; k++) {
    switch (rng() % 16) {
      case 0: ints.push_back(b.emit(Op::ADD_I64_OVF, pick(ints), pick(ints), kNoRef, 0, 0, random_snapshot(false))); break;
      case 1: ints.push_back(b.emit(Op::SUB_I64_OVF, pick(ints), pick(ints), kNoRef, 0, 0, random_snapshot(false))); break;
      case 2: ints.push_back(b.emit(Op::MUL_I64_OVF, pick(ints), pick(ints), kNoRef, 0, 0, random_snapshot(false))); break;
      case 3: ints.push_back(b.emit(Op::NEG_I64_OVF, pick(ints), kNoRef, kNoRef, 0, 0, random_snapshot(false))); break;
      case 4: {
        static const Op bit[] = {Op::AND_I64, Op::OR_I64, Op::XOR_I64};
        ints.push_back(b.emit(bit[rng() % 3], pick(ints), pick(ints)));
        break;
      }
      case 5: bools.push_back(b.emit(Op::CMP_I64, pick(ints), pick(ints), kNoRef, 0, int32_t(rng() % 6))); break;
      case 6: bools.push_back(b.emit(Op::CMP_F64, pick(floats), pick(floats), kNoRef, 0, int32_t(rng() % 6))); break;
      case 7: floats.push_back(b.emit(Op::I64_TO_F64, pick(ints))); break;
      case 8: {
        static const Op arith[] = {Op::ADD_F64, Op::SUB_F64, Op::MUL_F64};
        floats.push_back(b.emit(arith[rng() % 3], pick(floats), pick(floats)));
        break;
      }
      case 9: {
        Ref d = pick(floats);
        b.emit(Op::GUARD_NONZERO_F64, d, kNoRef, kNoRef, 0, 0, random_snapshot(false));
        floats.push_back(b.emit(Op::DIV_F64, pick(floats), d));
        break;
      }
      case 10: floats.push_back(b.emit(Op::NEG_F64, pick(floats))); break;
      case 11: bools.push_back(b.emit(Op::NOT_BOOL, pick(bools))); break;
      case 12: b.emit(rng() % 2 ? Op::GUARD_TRUE : Op::GUARD_FALSE, pick(bools), kNoRef, kNoRef, 0, 0, random_snapshot(false)); break;
      case 13: {  // Python // and % with the guards the recorder puts before them
        Ref d = pick(ints);
        b.emit(Op::GUARD_NONZERO_I64, d, kNoRef, kNoRef, 0, 0, random_snapshot(false));
        Ref m1 = b.const_i64(-1);
        b.emit(Op::GUARD_FALSE, b.emit(Op::CMP_I64, d, m1, kNoRef, 0, Py_EQ), kNoRef, kNoRef, 0, 0, random_snapshot(false));
        Ref x = pick(ints);
        ints.push_back(b.emit(rng() % 2 ? Op::FLOORDIV_I64 : Op::MOD_I64, x, d));
        break;
      }
      case 14: {  // box and release: exercises helper calls and DECREF between values
        Ref x = pick(ints);
        Ref boxed = b.emit(Op::BOX_INT, x, kNoRef, kNoRef, 0, 0, random_snapshot(true));
        b.emit(Op::GUARD_INT64, boxed, kNoRef, kNoRef, 0, 0,
               b.add_snapshot(snapshot({stack(0, x), owned(boxed)}, true)));
        ints.push_back(b.emit(Op::UNBOX_INT, boxed));
        b.emit(Op::DECREF, boxed);
        break;
      }
      default: bools.push_back(b.emit(Op::IS, pick(ints), pick(ints))); break;
    }
  }
  std::vector<SnapEntry> all;
  for (Ref r : ints) all.push_back(stack(int(all.size()), r));
  for (Ref r : floats) all.push_back(stack(int(all.size()), r));
  for (Ref r : bools) all.push_back(stack(int(all.size()), r));
  finish_straight(b, b.add_snapshot(snapshot(all, false)));
}

TEST_F(JitBackendTest, RandomStraightLineTracesAgree) {
  std::mt19937_64 rng(20261124);
  const int64_t int_inputs[] = {0, 1, -1, 7, -12345, 1LL << 40, INT64_MAX, INT64_MIN};
  const double float_inputs[] = {0.0, -0.0, 1.5, -3.25, 1e300, -1e-300, INFINITY, std::nan("")};
  int exits_seen = 0;
  std::vector<int> exit_hist(4, 0);
  for (int seed = 0; seed < 300; seed++) {
    Trace trace;
    const int nlocals = 4;
    build_random(trace, rng, nlocals);
    ASSERT_EQ(verify(trace), "") << print_trace(trace);
    std::vector<PyObject*> inputs;
    for (int k = 0; k < nlocals; k++) {
      if (rng() % 10 == 0) {
        inputs.push_back(PyUnicode_FromString("not a number"));  // fails the unbox guard
      } else if (k % 2 == 0) {
        int64_t v = int_inputs[rng() % 8];
        inputs.push_back(v > -1000 && v < 1000 ? own_int(long(v)) : PyLong_FromLongLong(v));
      } else {
        inputs.push_back(PyFloat_FromDouble(float_inputs[rng() % 8]));
      }
    }
    if (force_deopt_period() == 0 && seed % 3 == 0) set_force_deopt_period(4);
    Compared r = compare(trace, {locals_of(inputs)}, inputs);
    set_force_deopt_period(0);
    if (r.exit == static_cast<int>(trace.snapshots.size()) - 1) exit_hist[0]++;
    else exit_hist[1]++;
    exits_seen++;
    for (PyObject* o : inputs) Py_DECREF(o);
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seed << "\n" << print_trace(trace);
      break;
    }
  }
  // Both kinds of outcome occurred: the generator exercises guards and full runs.
  EXPECT_GT(exit_hist[0], 10);
  EXPECT_GT(exit_hist[1], 10);
}

// ---- measurement (prints; no thresholds) ----------------------------------------------------

TEST_F(JitBackendTest, BenchmarkCountingLoop) {
  Trace trace;
  build_count_loop(trace);
  std::string why;
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<MachineCode> code = compile(trace, &why);
  double compile_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  ASSERT_NE(code, nullptr) << why;
  const long iterations = 2000000;
  PyObject* zero = own_int(0);
  PyObject* n = PyLong_FromLong(iterations);
  auto time = [&](const std::function<int(TraceContext*)>& executor) {
    auto t0 = std::chrono::steady_clock::now();
    Outcome o = run_once(trace, executor, {locals_of({zero, n})});
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(repr_of(o.locals[0]), "int:" + std::to_string(iterations));
    release(trace, o);
    return ns / iterations;
  };
  double interp_ns = time([&](TraceContext* ctx) { return interpret(trace, ctx); });
  double jit_ns = time(code->entry());
  std::printf("[bench] count loop (%zu ops, %ld iterations): interpreter %.2f ns/iter, "
              "compiled %.2f ns/iter (%.1fx), compile %.0f us, %zu bytes\n",
              trace.ops.size(), iterations, interp_ns, jit_ns, interp_ns / jit_ns, compile_us,
              code->size());
  Py_DECREF(zero);
  Py_DECREF(n);
  // Compile time of a trace at the recorder's length limit (JANUS_JIT_MAX_TRACE, 400 ops).
  std::mt19937_64 rng(7);
  Trace big;
  build_random(big, rng, 4, 400);
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<MachineCode> big_code = compile(big, &why);
  double big_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(big_code, nullptr) << why;
  std::printf("[bench] compile: %zu ops, %zu snapshots in %.0f us, %zu bytes\n", big.ops.size(),
              big.snapshots.size(), big_us, big_code->size());
}

}  // namespace
}  // namespace janus::jit
