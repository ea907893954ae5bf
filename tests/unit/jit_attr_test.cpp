// Tier 1's instance-attribute ops (GUARD_ATTR_SLOT, ATTR_SLOT, SET_ATTR_SLOT; jit/attr_site.h
// finds the location as the recorder does): each hand-built trace runs in the IR
// interpreter and as compiled code from equal states; both must take the same exit and
// produce the same value, and that value must be what CPython's own getattr returns (the
// oracle). After each mutation that moves or removes the attribute (del, __dict__
// replaced, shadowing, __class__ assigned) the same trace must leave at its guard.
#include "jit/attr_site.h"
#include "jit/backend_x64.h"
#include "jit/ir.h"
#include "jit/runtime.h"
#include "jit/trace.h"

#include "jit/cpython.h"

#include <gtest/gtest.h>

#include "tests/unit/jit_test_support.h"

#include <functional>
#include <string>
#include <vector>

namespace janus::jit {
namespace {

const char* kClasses = R"(
class P:
    def __init__(self):
        self.x = 1
        self.y = 'two'
    def m(self):
        return self.x
class S:
    __slots__ = ('a', 'b')
    def __init__(self):
        self.a = 3.5
        self.b = None
class C:
    k = 5
    def m(self):
        return 7
class Q(P):
    pass
)";

PyCodeObject* frame_code() {
  static PyCodeObject* code = reinterpret_cast<PyCodeObject*>(
      Py_CompileString("x = 1\n", "<jit attr test>", Py_file_input));
  return code;
}

using test::AttrMode;
using test::AttrTrace;
using Outcome = test::AttrOutcome;

// o.name through the ops (store: o.name = local 1 first, then read back).
std::unique_ptr<AttrTrace> build(PyObject* o, PyObject* name, int32_t aux, bool store) {
  return test::build_attr_trace(Py_TYPE(o), name, aux, store ? AttrMode::kStore : AttrMode::kLoad);
}

Outcome run(const AttrTrace& t, bool compiled, PyObject* o, PyObject* v) {
  return test::run_attr_trace(t, frame_code(), compiled, o, v);
}

class JitAttrTest : public ::testing::Test {
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
  static PyObject* py(const char* code) {  // runs statements, or evaluates an expression
    PyObject* r = PyRun_String(code, Py_eval_input, ns_, ns_);
    if (r == nullptr) {
      PyErr_Clear();
      r = PyRun_String(code, Py_file_input, ns_, ns_);
    }
    if (r == nullptr) PyErr_Print();
    EXPECT_NE(r, nullptr) << code;
    return r;
  }
  static PyObject* name(const char* s) {
    PyObject* n = PyUnicode_InternFromString(s);
    return n;  // interned: lives as long as the test
  }

  // Loads `attr` of `o` with both executors; the value must be CPython's getattr. Returns
  // the exit both took (and checks they agree).
  static int load_both(const AttrTrace& t, PyObject* o, const char* attr) {
    return test::load_attr_both(t, frame_code(), o, attr);
  }
  static PyObject* ns_;
};
PyObject* JitAttrTest::ns_ = nullptr;

struct Site {
  const char* setup;  // binds `o`
  const char* attr;
  const char* mutation;  // after which the attribute is no longer where it was found
};

TEST_F(JitAttrTest, LoadsMatchGetattrAndGuardsCatchEveryMove) {
  const Site sites[] = {
      {"o = P()", "x", "del o.x"},
      {"o = P()", "y", "o.__dict__ = {'y': 'other'}"},
      {"o = P(); o.__dict__", "y", "del o.y"},                 // split dict (materialized)
      {"o = P(); o.__dict__ = {'z': 0, 'x': 9}", "x", "o.__dict__ = {'x': 9}"},  // hint moves
      {"o = P(); o.__dict__ = {'x': 9}", "x", "o.__class__ = Q"},
      {"o = S()", "a", "del o.a"},
      {"o = S()", "b", "o.__class__ = S; del o.b"},
  };
  for (const Site& s : sites) {
    SCOPED_TRACE(std::string(s.setup) + " ." + s.attr);
    Py_XDECREF(py(s.setup));
    PyObject* o = PyDict_GetItemString(ns_, "o");
    Py_INCREF(o);
    AttrPlan plan = plan_load_attr(o, name(s.attr), false);
    ASSERT_EQ(plan.what, AttrPlan::kInstance);
    auto t = build(o, name(s.attr), plan.aux, false);
    ASSERT_NE(t->code, nullptr);
    EXPECT_EQ(load_both(*t, o, s.attr), t->done);
    Py_XDECREF(py(s.mutation));
    int exit = load_both(*t, o, s.attr);
    EXPECT_NE(exit, t->done) << "the trace still read the attribute after: " << s.mutation;
    Py_DECREF(o);
  }
}

TEST_F(JitAttrTest, ClassAttributesAndMethodsNeedTheInstanceNotToShadowThem) {
  Py_XDECREF(py("o = C()"));
  PyObject* o = PyDict_GetItemString(ns_, "o");  // borrowed: the namespace holds it
  AttrPlan k = plan_load_attr(o, name("k"), false);
  EXPECT_EQ(k.what, AttrPlan::kClassValue);
  EXPECT_TRUE(k.guard_absent);
  AttrPlan m = plan_load_attr(o, name("m"), true);
  EXPECT_EQ(m.what, AttrPlan::kMethod);
  // `o.m` as a value: the function binds (DESCR_GET), as getattr does.
  AttrPlan bind = plan_load_attr(o, name("m"), false);
  EXPECT_EQ(bind.what, AttrPlan::kBind);
  EXPECT_TRUE(bind.guard_absent);
  {
    auto* bound = reinterpret_cast<PyObject*>(rt::call_helper(static_cast<int>(Op::DESCR_GET))(
        reinterpret_cast<uint64_t>(o), 0, 0, reinterpret_cast<int64_t>(bind.value), 0));
    PyObject* oracle = PyObject_GetAttrString(o, "m");
    ASSERT_NE(bound, nullptr);
    ASSERT_NE(oracle, nullptr);
    EXPECT_EQ(PyObject_RichCompareBool(bound, oracle, Py_EQ), 1);
    EXPECT_EQ(Py_TYPE(bound), Py_TYPE(oracle));
    Py_DECREF(bound);
    Py_DECREF(oracle);
  }
  const int32_t absent = static_cast<int32_t>(rt::attr_aux(rt::kAttrAbsent, 0));
  // Both executors call the same helper for this guard: checked directly, twice (the
  // second round on a new instance of a class whose shared keys now know `k` and `m`).
  for (int round = 0; round < 2; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    Py_XDECREF(py("o = C()"));
    o = PyDict_GetItemString(ns_, "o");
    auto guard = [&](const char* attr) {
      PyObject* n = name(attr);
      uint64_t ok = rt::call_helper(static_cast<int>(Op::GUARD_ATTR_SLOT))(
          reinterpret_cast<uint64_t>(o), 0, 0, reinterpret_cast<int64_t>(n), absent);
      // The oracle: the instance's own __dict__ does not have the name.
      PyObject* d = PyObject_GetAttrString(o, "__dict__");
      bool expected = PyDict_GetItemWithError(d, n) == nullptr;
      Py_DECREF(d);
      EXPECT_EQ(ok != 0, expected) << attr;
      return ok != 0;
    };
    EXPECT_TRUE(guard("k"));
    Py_XDECREF(py("o.k = 1"));  // shadows the class attribute (values)
    EXPECT_FALSE(guard("k"));
    Py_XDECREF(py("o.__dict__ = {'m': 2}"));  // shadows the method (a dict)
    EXPECT_FALSE(guard("m"));
    EXPECT_TRUE(guard("k"));
  }
}

TEST_F(JitAttrTest, StoresReplaceInPlaceAndReadBack) {
  const Site sites[] = {
      {"o = P()", "x", "del o.x"},
      {"o = P(); o.__dict__", "y", "o.__dict__ = {}"},
      {"o = P(); o.__dict__ = {'q': 1, 'x': 2}", "x", "del o.x"},
      {"o = S()", "a", "del o.a"},
  };
  for (const Site& s : sites) {
    SCOPED_TRACE(std::string(s.setup) + " ." + s.attr);
    Py_XDECREF(py(s.setup));
    PyObject* o = PyDict_GetItemString(ns_, "o");
    Py_INCREF(o);
    AttrPlan plan = plan_store_attr(o, name(s.attr));
    ASSERT_EQ(plan.what, AttrPlan::kInstance);
    auto t = build(o, name(s.attr), plan.aux, true);
    ASSERT_NE(t->code, nullptr);
    for (bool compiled : {false, true}) {
      PyObject* v = PyUnicode_FromFormat("stored by %s", compiled ? "code" : "interp");
      Outcome r = run(*t, compiled, o, v);
      EXPECT_EQ(r.exit, t->done);
      PyObject* oracle = PyObject_GetAttrString(o, s.attr);  // CPython reads the store back
      EXPECT_EQ(oracle, v);
      EXPECT_EQ(r.value, v);
      Py_XDECREF(r.value);
      Py_XDECREF(oracle);
      EXPECT_EQ(Py_REFCNT(v), 2);  // ours and the attribute's
      Py_DECREF(v);
    }
    Py_XDECREF(py(s.mutation));
    Outcome a = run(*t, false, o, Py_None);
    Outcome b = run(*t, true, o, Py_None);
    EXPECT_EQ(a.exit, 1);
    EXPECT_EQ(b.exit, 1);
    PyObject* still = PyObject_GetAttrString(o, s.attr);  // nothing was stored
    EXPECT_EQ(still, nullptr);
    PyErr_Clear();
    Py_XDECREF(still);
    Py_DECREF(o);
  }
}

TEST_F(JitAttrTest, UnversionedOrCustomAccessKeepsTheGenericPath) {
  Py_XDECREF(py("class G:\n    def __getattribute__(self, n):\n        return 1\no = G()"));
  PyObject* o = PyDict_GetItemString(ns_, "o");
  EXPECT_EQ(plan_load_attr(o, name("x"), false).what, AttrPlan::kGeneric);
  Py_XDECREF(py("class H:\n    def __setattr__(self, n, v):\n        pass\no = H()"));
  o = PyDict_GetItemString(ns_, "o");
  EXPECT_EQ(plan_store_attr(o, name("x")).what, AttrPlan::kGeneric);
  // A property: reads run its getter (DESCR_GET, as generic getattr calls it first),
  // stores stay generic (its setter).
  Py_XDECREF(py("class R:\n    @property\n    def x(self):\n        return 41 + 1\no = R()"));
  o = PyDict_GetItemString(ns_, "o");
  AttrPlan prop = plan_load_attr(o, name("x"), false);
  EXPECT_EQ(prop.what, AttrPlan::kBind);
  EXPECT_FALSE(prop.guard_absent);  // a data descriptor wins over the instance dict
  {
    PyObject* v = reinterpret_cast<PyObject*>(rt::call_helper(static_cast<int>(Op::DESCR_GET))(
        reinterpret_cast<uint64_t>(o), 0, 0, reinterpret_cast<int64_t>(prop.value), 0));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(PyLong_AsLong(v), 42);
    Py_DECREF(v);
  }
  EXPECT_EQ(plan_store_attr(o, name("x")).what, AttrPlan::kGeneric);
  // With __getattr__ (consulted after misses), a method still binds directly, but a
  // property does not: its AttributeError would go to __getattr__.
  Py_XDECREF(py("class A:\n    def __getattr__(self, n):\n        return n\n"
                "    def m(self):\n        return 1\n    @property\n    def p(self):\n"
                "        raise AttributeError('p')\no = A()"));
  o = PyDict_GetItemString(ns_, "o");
  EXPECT_EQ(plan_load_attr(o, name("m"), false).what, AttrPlan::kBind);
  // LOAD_METHOD there leaves [NULL, bound method], as CPython's _PyObject_GetMethod does
  // for a class whose getattr slot is not the generic one.
  EXPECT_EQ(plan_load_attr(o, name("m"), true).what, AttrPlan::kBind);
  EXPECT_EQ(plan_load_attr(o, name("p"), false).what, AttrPlan::kGeneric);
  EXPECT_EQ(plan_load_attr(o, name("missing"), false).what, AttrPlan::kGeneric);
}

TEST_F(JitAttrTest, AnyChangeToTheClassLeavesAtTheVersionGuard) {
  Py_XDECREF(py("o = P()"));
  PyObject* o = PyDict_GetItemString(ns_, "o");
  AttrPlan plan = plan_load_attr(o, name("x"), false);
  ASSERT_EQ(plan.what, AttrPlan::kInstance);
  auto t = build(o, name("x"), plan.aux, false);
  ASSERT_NE(t->code, nullptr);
  EXPECT_EQ(load_both(*t, o, "x"), t->done);
  Py_XDECREF(py("P.x = property(lambda self: 'from the property')"));  // now a data descr
  EXPECT_EQ(load_both(*t, o, "x"), 0);
  Py_XDECREF(py("del P.x"));
}

}  // namespace
}  // namespace janus::jit
