// Unit tests for tier 0 pieces a Python program cannot reach directly: the exception-table
// reader (against CPython's own dis._parse_exception_table), the site table of a profile
// (against dis's instruction list), and the describer hook that interop will use for
// tensors (a describer registered here for lists). The embedded interpreter evaluates
// frames with vm::evaluate installed as its PEP 523 hook.
#include "vm/vm.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "profiles/profile.h"
#include "vm/code_info.h"
#include "vm/getattr.h"
#include "vm/helpers.h"

namespace janus::vm {
namespace {

PyObject* janus_hook(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag) {
  return evaluate(tstate, frame, throwflag);
}

class VmTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Py_InitializeEx(0);
    ASSERT_TRUE(initialize());
    _PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), janus_hook);
  }

  // Runs `source` in a fresh namespace and returns it (new reference).
  static PyObject* run(const char* source) {
    PyObject* globals = PyDict_New();
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject* result = PyRun_String(source, Py_file_input, globals, globals);
    if (result == nullptr) PyErr_Print();
    EXPECT_NE(result, nullptr);
    Py_XDECREF(result);
    return globals;
  }

  static PyCodeObject* code_of(PyObject* ns, const char* function) {
    PyObject* func = PyDict_GetItemString(ns, function);
    return reinterpret_cast<PyCodeObject*>(PyFunction_GET_CODE(func));
  }
};

const char* kHandlers = R"(
def f(x):
    try:
        a = 1 / x
        try:
            b = [a][x]
        except IndexError:
            b = 0
    except ZeroDivisionError as e:
        return str(e)
    finally:
        x = None
    with open(__file__ if False else '/dev/null') as fh:
        pass
    return b
import dis
entries = [(e.start // 2, e.end // 2, e.target // 2, e.depth, e.lasti)
           for e in dis._parse_exception_table(f.__code__)]
n = len(f.__code__.co_code) // 2
)";

TEST_F(VmTest, ExceptionTableMatchesCPythonsParser) {
  PyObject* ns = run(kHandlers);
  PyCodeObject* code = code_of(ns, "f");
  PyObject* entries = PyDict_GetItemString(ns, "entries");
  long n = PyLong_AsLong(PyDict_GetItemString(ns, "n"));
  ASSERT_GT(PyList_GET_SIZE(entries), 3);
  for (int offset = 0; offset < n; offset++) {
    // CPython's answer: the entry whose [start, end) holds the offset (end is exclusive).
    PyObject* expected = nullptr;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(entries); i++) {
      PyObject* e = PyList_GET_ITEM(entries, i);
      long start = PyLong_AsLong(PyTuple_GET_ITEM(e, 0));
      long end = PyLong_AsLong(PyTuple_GET_ITEM(e, 1));
      if (start <= offset && offset < end) expected = e;
    }
    int depth = -1, handler = -1;
    bool lasti = false;
    bool found = find_exception_handler(code, offset, &depth, &handler, &lasti);
    ASSERT_EQ(found, expected != nullptr) << "offset " << offset;
    if (!found) continue;
    EXPECT_EQ(handler, PyLong_AsLong(PyTuple_GET_ITEM(expected, 2))) << "offset " << offset;
    EXPECT_EQ(depth, PyLong_AsLong(PyTuple_GET_ITEM(expected, 3))) << "offset " << offset;
    EXPECT_EQ(lasti, PyObject_IsTrue(PyTuple_GET_ITEM(expected, 4)) == 1) << "offset " << offset;
  }
  Py_DECREF(ns);
}

TEST_F(VmTest, ProfileHasOneSitePerProfiledInstruction) {
  PyObject* ns = run(R"(
def g(xs, o):
    t = 0
    for x in xs:
        if x > 2 and o.flag:
            t = t + len(xs) * x
        o.last = x
    return o.method(t)
import dis
kinds = {'BINARY_OP': 'binary_op', 'COMPARE_OP': 'compare', 'LOAD_ATTR': 'attribute',
         'LOAD_METHOD': 'attribute', 'STORE_ATTR': 'attribute', 'CALL': 'call',
         'CALL_FUNCTION_EX': 'call', 'JUMP_BACKWARD': 'loop'}
expected = sorted((i.offset // 2, kinds.get(i.opname, 'branch'))
                  for i in dis.get_instructions(g)
                  if i.opname in kinds or i.opname.startswith('POP_JUMP'))
)");
  profiles::CodeProfile* profile = profiles::create_profile(code_of(ns, "g"));
  PyObject* expected = PyDict_GetItemString(ns, "expected");
  ASSERT_EQ(static_cast<Py_ssize_t>(profile->sites.size()), PyList_GET_SIZE(expected));
  for (size_t i = 0; i < profile->sites.size(); i++) {
    PyObject* e = PyList_GET_ITEM(expected, i);
    EXPECT_EQ(profile->sites[i].offset, PyLong_AsLong(PyTuple_GET_ITEM(e, 0)));
    EXPECT_STREQ(profiles::site_kind_name(profile->sites[i].kind),
                 PyUnicode_AsUTF8(PyTuple_GET_ITEM(e, 1)));
    EXPECT_EQ(profile->site(profile->sites[i].offset), &profile->sites[i]);
  }
  profiles::destroy_profile(profile);
  Py_DECREF(ns);
}

// Stands in for the tensor describer interop will register: "dtype" and shape of a list.
bool describe_list(PyObject* value, int64_t* shape, profiles::DescriptionView* out) {
  out->dtype = "list";
  shape[0] = PyList_GET_SIZE(value);
  out->shape = shape;
  out->ndim = 1;
  out->device = "cpu";
  out->requires_grad = false;
  return true;
}

TEST_F(VmTest, DescriberSeesValuesAtSitesAndTracksStability) {
  profiles::register_describer(&PyList_Type, describe_list);
  PyObject* ns = run(R"(
def same(a, b):
    return a + b
def varying(a, b):
    return a + b
for i in range(5):
    same([1, 2], [3])
    varying([0] * i, [])
)");
  auto site_of = [&](const char* function) -> profiles::Site* {
    profiles::CodeProfile* profile = profile_of(code_of(ns, function));
    for (auto& site : profile->sites) {
      if (site.kind == profiles::SiteKind::BinaryOp) return &site;
    }
    return nullptr;
  };
  profiles::Site* same = site_of("same");
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(same->count, 5u);
  EXPECT_TRUE(same->operands[0].described);
  EXPECT_TRUE(same->operands[0].description_stable);
  EXPECT_EQ(same->operands[0].description->shape, std::vector<int64_t>{2});
  EXPECT_EQ(same->operands[1].description->shape, std::vector<int64_t>{1});
  EXPECT_EQ(same->operands[0].description->dtype, "list");
  profiles::Site* varying = site_of("varying");
  ASSERT_NE(varying, nullptr);
  EXPECT_FALSE(varying->operands[0].description_stable);
  EXPECT_TRUE(varying->operands[1].description_stable);
  // The first description is kept; counts stay exact whether or not values were described.
  EXPECT_EQ(varying->operands[0].description->shape, std::vector<int64_t>{0});
  EXPECT_EQ(varying->count, 5u);
  EXPECT_EQ(varying->type_count(0, 0), 5u);
  EXPECT_EQ(varying->type_count(1, 0), 5u);
  // A stable description keeps every value on the describing path; an unstable one can
  // never become stable again, so its values take the inline check like any other type's.
  EXPECT_EQ(same->expected[0], nullptr);
  EXPECT_EQ(varying->expected[0], &PyList_Type);
  EXPECT_EQ(varying->expected[1], nullptr);
  Py_DECREF(ns);
}

// What a lookup gave: its value, or the exception's type and text (new references).
struct Lookup {
  PyObject* value = nullptr;
  PyObject* error_type = nullptr;
  std::string error_text;
};
Lookup outcome(PyObject* result) {
  Lookup out;
  out.value = result;
  if (result == nullptr) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    out.error_type = type;
    PyObject* text = PyObject_Str(value);
    out.error_text = text ? PyUnicode_AsUTF8(text) : "?";
    Py_XDECREF(text);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
  }
  return out;
}

TEST_F(VmTest, GetattrFindsCPythonsHookSlotAndAgreesWithPyObjectGetAttr) {
  ASSERT_TRUE(init_getattr());
  PyObject* ns = run(R"(
class G:
    k = 'class attribute'
    def __getattr__(self, name):
        if name == 'raise_key':
            raise KeyError(name)
        if name == 'raise_attr':
            raise AttributeError('no ' + name)
        return 'fallback ' + name
    @property
    def prop(self):
        raise AttributeError('from the property')
    @property
    def bad(self):
        raise ValueError('from the property')
class Plain:
    k = 'plain class attribute'
g = G()
g.x = 'instance attribute'
plain = Plain()
)");
  PyObject* g = PyDict_GetItemString(ns, "g");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(g_getattr_hook_slot, PyObject_GenericGetAttr);
  EXPECT_EQ(Py_TYPE(g)->tp_getattro, g_getattr_hook_slot);
  for (const char* object : {"g", "plain"}) {
    PyObject* o = PyDict_GetItemString(ns, object);
    for (const char* attribute :
         {"x", "k", "prop", "bad", "missing", "raise_key", "raise_attr", "__class__"}) {
      SCOPED_TRACE(std::string(object) + "." + attribute);
      PyObject* name = PyUnicode_InternFromString(attribute);
      Lookup want = outcome(PyObject_GetAttr(o, name));
      Lookup got = outcome(getattr(o, name));
      ASSERT_EQ(got.value == nullptr, want.value == nullptr) << got.error_text;
      if (want.value != nullptr) {
        EXPECT_EQ(PyObject_RichCompareBool(got.value, want.value, Py_EQ), 1);
      } else {
        EXPECT_EQ(got.error_type, want.error_type);
        EXPECT_EQ(got.error_text, want.error_text);
      }
      PyObject* method = nullptr;
      get_method(o, name, &method);
      Lookup got_method = outcome(method);
      EXPECT_EQ(got_method.value == nullptr, want.value == nullptr);
      for (Lookup* l : {&want, &got, &got_method}) {
        Py_XDECREF(l->value);
        Py_XDECREF(l->error_type);
      }
      Py_DECREF(name);
    }
  }
  Py_DECREF(ns);
}

TEST(ValueDescription, MatchesOnlyTheSameDtypeShapeDeviceAndGrad) {
  const int64_t shape[] = {4, 3};
  profiles::DescriptionView view;
  view.dtype = "float32";
  view.device = "cpu";
  view.shape = shape;
  view.ndim = 2;
  profiles::ValueDescription kept(view);
  EXPECT_EQ(kept.dtype, "float32");
  EXPECT_EQ(kept.shape, (std::vector<int64_t>{4, 3}));
  std::string dtype_copy = "float32";  // equal text at another address
  profiles::DescriptionView same = view;
  same.dtype = dtype_copy.c_str();
  EXPECT_TRUE(kept.matches(same));
  auto differs = [&](auto change) {
    profiles::DescriptionView other = view;
    change(other);
    return !kept.matches(other);
  };
  const int64_t other_shape[] = {4, 2};
  EXPECT_TRUE(differs([](auto& v) { v.dtype = "float64"; }));
  EXPECT_TRUE(differs([](auto& v) { v.device = "cuda"; }));
  EXPECT_TRUE(differs([](auto& v) { v.requires_grad = true; }));
  EXPECT_TRUE(differs([](auto& v) { v.ndim = 1; }));
  EXPECT_TRUE(differs([&](auto& v) { v.shape = other_shape; }));
}

TEST_F(VmTest, EveryOpcodeOfTheLanguageIsImplemented) {
  // Each base opcode CPython 3.11 defines (opcode.opmap) must be in vm/opcodes.def.
  PyObject* ns = run(R"(
import opcode
names = [n for n in opcode.opmap if n != 'CACHE']
)");
  PyObject* opnames = PyDict_GetItemString(ns, "names");
  std::vector<std::string> implemented = {
#define VM_OPCODE(name) #name,
#include "vm/opcodes.def"
#undef VM_OPCODE
  };
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(opnames); i++) {
    std::string name = PyUnicode_AsUTF8(PyList_GET_ITEM(opnames, i));
    EXPECT_NE(std::find(implemented.begin(), implemented.end(), name), implemented.end()) << name;
  }
  Py_DECREF(ns);
}

}  // namespace
}  // namespace janus::vm
