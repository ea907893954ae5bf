// The registry bound to Python: every entry of tensor/ops.def becomes an overload of a
// vectorcall function object (janus.<name>) and/or a method descriptor (Tensor.<name>). The
// schema string drives argument parsing; the C++ function's own parameter types drive the
// conversions, so an op is declared once.
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "interop/tensor_module/python_api.h"
#include "interop/tensor_module/device_dispatch.h"
#include "tensor/ops.def"

namespace janus::py {

namespace {

enum class ArgType { Tensor, OptTensor, TensorList, OptTensorList, Scalar, OptScalar, Int, OptInt, IntList,
                     OptIntList, Float, Bool, DType, OptDType };

struct ArgSpec {
  std::string name;
  PyObject* py_name = nullptr;  // interned: keyword names usually match by pointer
  ArgType type;
  PyObject* default_value = nullptr;  // owned; null = required
  bool kwonly = false;
  bool varargs = false;  // "int[]...": the ints may be given as separate positional arguments
};

struct Overload;
using Invoker = PyObject* (*)(const Overload&, PyObject** slots, bool* mismatch);

struct Overload {
  std::string name;
  const char* cpp_name;  // the function in janus::ops: device backends register under it
  std::vector<ArgSpec> args;
  size_t npos = 0;  // positional parameters (those before '*')
  Invoker invoke;
};

struct OpGroup {
  std::string name;
  std::vector<Overload> overloads;
};

// ---- schema parsing ---------------------------------------------------------------------------
ArgType parse_type(const std::string& t) {
  static const std::map<std::string, ArgType> types = {
      {"Tensor", ArgType::Tensor},     {"Tensor?", ArgType::OptTensor},   {"Tensor[]", ArgType::TensorList},
      {"Tensor?[]", ArgType::OptTensorList}, {"Scalar", ArgType::Scalar}, {"Scalar?", ArgType::OptScalar},
      {"int", ArgType::Int},           {"int?", ArgType::OptInt},         {"int[]", ArgType::IntList},
      {"int[]?", ArgType::OptIntList}, {"float", ArgType::Float},         {"bool", ArgType::Bool},
      {"ScalarType", ArgType::DType},  {"ScalarType?", ArgType::OptDType}};
  auto it = types.find(t);
  if (it == types.end()) throw std::runtime_error("bad schema type " + t);
  return it->second;
}

PyObject* parse_default(const std::string& text) {
  if (text == "None") { Py_RETURN_NONE; }
  if (text == "True") { Py_RETURN_TRUE; }
  if (text == "False") { Py_RETURN_FALSE; }
  if (text == "[]") return PyTuple_New(0);
  if (text.find_first_of(".e") != std::string::npos) return PyFloat_FromDouble(std::stod(text));
  return PyLong_FromLongLong(std::stoll(text));
}

std::vector<ArgSpec> parse_schema(const std::string& schema) {
  std::vector<ArgSpec> out;
  bool kwonly = false;
  size_t pos = 0;
  while (pos < schema.size()) {
    size_t comma = schema.find(',', pos);
    std::string item = schema.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? schema.size() : comma + 1;
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    if (item == "*") { kwonly = true; continue; }
    ArgSpec a;
    size_t space = item.find(' ');
    std::string type = item.substr(0, space), rest = item.substr(space + 1);
    if (type.size() > 3 && type.substr(type.size() - 3) == "...") a.varargs = true, type.resize(type.size() - 3);
    a.type = parse_type(type);
    size_t eq = rest.find('=');
    a.name = rest.substr(0, eq);
    if (eq != std::string::npos) a.default_value = parse_default(rest.substr(eq + 1));
    a.py_name = PyUnicode_InternFromString(a.name.c_str());
    a.kwonly = kwonly;
    out.push_back(a);
  }
  return out;
}

// ---- conversions by C++ parameter type ----------------------------------------------------------
// Each returns 0 on success, 1 when the argument does not fit (try the next overload).
int convert(PyObject* o, const ArgSpec&, Tensor& out) {
  if (o == Py_None) { out = Tensor(); return 0; }  // only reachable for Tensor? (checked by type)
  return to_tensor(o, &out) ? 0 : 1;
}
int convert(PyObject* o, const ArgSpec&, Scalar& out) {
  if (is_tensor(o)) {
    const Tensor& t = unwrap(o);
    if (t.numel() != 1) return 1;
    out = t.item();
    return 0;
  }
  return to_scalar(o, &out) ? 0 : 1;
}
int convert(PyObject* o, const ArgSpec& a, std::optional<Scalar>& out) {
  if (o == Py_None) { out.reset(); return 0; }
  Scalar s;
  if (convert(o, a, s)) return 1;
  out = s;
  return 0;
}
int convert(PyObject* o, const ArgSpec&, int64_t& out) {
  if (PyFloat_Check(o) || (is_tensor(o) && (is_floating(unwrap(o).dtype()) || unwrap(o).numel() != 1))) return 1;
  if (is_tensor(o)) { out = unwrap(o).item().to_int(); return 0; }
  if (!PyIndex_Check(o)) return 1;
  out = PyLong_AsLongLong(o);
  if (out == -1 && PyErr_Occurred()) { PyErr_Clear(); return 1; }
  return 0;
}
int convert(PyObject* o, const ArgSpec& a, std::optional<int64_t>& out) {
  if (o == Py_None) { out.reset(); return 0; }
  int64_t v;
  if (convert(o, a, v)) return 1;
  out = v;
  return 0;
}
int convert(PyObject* o, const ArgSpec&, double& out) {
  if (is_tensor(o)) { if (unwrap(o).numel() != 1) return 1; out = unwrap(o).item().to_double(); return 0; }
  if (!PyFloat_Check(o) && !PyLong_Check(o)) return 1;
  out = PyFloat_AsDouble(o);
  return 0;
}
int convert(PyObject* o, const ArgSpec&, bool& out) {
  if (!PyBool_Check(o)) return 1;  // as in PyTorch: an int is not a bool (var(x, 1) is var over dim 1)
  out = PyObject_IsTrue(o);
  return 0;
}
int convert(PyObject* o, const ArgSpec& a, Shape& out) {
  if (a.type != ArgType::IntList && a.type != ArgType::OptIntList) return 1;
  return to_shape(o, &out) ? 0 : 1;
}
int convert(PyObject* o, const ArgSpec& a, std::optional<Shape>& out) {
  if (o == Py_None) { out.reset(); return 0; }
  Shape s;
  if (convert(o, a, s)) return 1;
  out = s;
  return 0;
}
int convert(PyObject* o, const ArgSpec&, DType& out) {
  if (!PyObject_TypeCheck(o, &DTypeType)) return 1;
  out = reinterpret_cast<DTypeObject*>(o)->dtype;
  return 0;
}
int convert(PyObject* o, const ArgSpec& a, std::optional<DType>& out) {
  if (o == Py_None) { out.reset(); return 0; }
  DType d;
  if (convert(o, a, d)) return 1;
  out = d;
  return 0;
}
int convert(PyObject* o, const ArgSpec& a, TensorList& out) {
  if (is_tensor(o) || !PySequence_Check(o) || PyUnicode_Check(o)) return 1;
  PyObject* seq = PySequence_Fast(o, "expected a sequence");
  if (!seq) { PyErr_Clear(); return 1; }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  out.clear();
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
    Tensor t;
    if (item == Py_None && a.type == ArgType::OptTensorList) { out.push_back(t); continue; }
    if (!is_tensor(item)) { Py_DECREF(seq); return 1; }
    out.push_back(unwrap(item));
  }
  Py_DECREF(seq);
  return 0;
}

bool type_allows_none(ArgType t) {
  return t == ArgType::OptTensor || t == ArgType::OptScalar || t == ArgType::OptInt ||
         t == ArgType::OptIntList || t == ArgType::OptDType;
}

// ---- results -------------------------------------------------------------------------------------
PyTypeObject* values_indices_type = nullptr;

PyObject* to_py(const Tensor& t) { return wrap(t); }
PyObject* to_py(bool b) { return PyBool_FromLong(b); }
PyObject* to_py(const TensorList& ts) {
  PyObject* tup = PyTuple_New(Py_ssize_t(ts.size()));
  for (size_t i = 0; i < ts.size(); ++i) PyTuple_SET_ITEM(tup, i, wrap(ts[i]));
  return tup;
}
PyObject* to_py(const std::tuple<Tensor, Tensor>& p) {
  PyObject* r = PyStructSequence_New(values_indices_type);
  if (!r) return nullptr;
  PyStructSequence_SET_ITEM(r, 0, wrap(std::get<0>(p)));
  PyStructSequence_SET_ITEM(r, 1, wrap(std::get<1>(p)));
  return r;
}

template <class T> struct Decay { using type = std::decay_t<T>; };


template <class R, class... A, size_t... I>
PyObject* invoke_impl(R (*fn)(A...), const Overload& ov, PyObject** slots, bool* mismatch, std::index_sequence<I...>) {
  std::tuple<typename Decay<A>::type...> values;
  auto mismatched = [&](auto& value, size_t i) -> bool {
    PyObject* o = slots[i];
    if (o == Py_None && !type_allows_none(ov.args[i].type)) return true;
    return convert(o, ov.args[i], value) != 0;
  };
  bool bad = (false || ... || mismatched(std::get<I>(values), I));
  if (bad) { *mismatch = true; return nullptr; }
  try {
    // The CPU kernels may touch only CPU memory: anything else goes to its device's kernel.
    const bool all_cpu = (true && ... && on_cpu(std::get<I>(values)));
    if (!all_cpu) [[unlikely]] {
      std::vector<const Tensor*> tensors;
      (collect_tensors(std::get<I>(values), tensors), ...);
      fn = reinterpret_cast<R (*)(A...)>(device_kernel(ov.cpp_name, tensors));
    }
    R result = std::apply(fn, values);
    return to_py(result);
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

template <class R, class... A>
PyObject* invoke(R (*fn)(A...), const Overload& ov, PyObject** slots, bool* mismatch) {
  return invoke_impl(fn, ov, slots, mismatch, std::index_sequence_for<A...>{});
}

// ---- argument binding ----------------------------------------------------------------------------
// Fills slots[] from a vectorcall's arguments. Returns false (with *why) when they do not fit.
bool bind(const Overload& ov, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** slots,
          PyObject** owned, std::string* why) {
  const size_t n = ov.args.size();
  for (size_t i = 0; i < n; ++i) slots[i] = nullptr;
  const size_t npos = ov.npos;
  Py_ssize_t given = nargs;
  // "int[]... size": f(2, 3) means f((2, 3)) when that list is the last positional argument.
  if (given > 0 && npos > 0 && ov.args[npos - 1].varargs && size_t(given) > npos - 1) {
    size_t first = npos - 1;
    bool all_ints = true;
    for (Py_ssize_t i = first; i < given; ++i) all_ints = all_ints && PyIndex_Check(args[i]) && !is_tensor(args[i]);
    if (all_ints && (size_t(given) > npos || PyLong_Check(args[first]))) {
      PyObject* tup = PyTuple_New(given - first);
      for (Py_ssize_t i = first; i < given; ++i) Py_INCREF(args[i]), PyTuple_SET_ITEM(tup, i - first, args[i]);
      *owned = tup;
      for (size_t i = 0; i < first; ++i) slots[i] = args[i];
      slots[first] = tup;
      given = Py_ssize_t(npos);
      goto keywords;
    }
  }
  if (size_t(given) > npos) {
    *why = str_cat(ov.name, "() takes ", npos, " positional argument", npos == 1 ? "" : "s", " but ", given, " were given");
    return false;
  }
  for (Py_ssize_t i = 0; i < given; ++i) slots[i] = args[i];
keywords:
  if (kwnames) {
    Py_ssize_t nk = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nk; ++k) {
      PyObject* py_key = PyTuple_GET_ITEM(kwnames, k);
      size_t i = 0;
      for (; i < n; ++i) if (ov.args[i].py_name == py_key) break;
      const char* key = i < n ? ov.args[i].name.c_str() : PyUnicode_AsUTF8(py_key);
      if (i == n) {
        // Not interned, or a numpy-style alias PyTorch accepts: axis=dim, keepdims=keepdim.
        if (std::strcmp(key, "axis") == 0) key = "dim";
        else if (std::strcmp(key, "keepdims") == 0) key = "keepdim";
        for (i = 0; i < n; ++i) if (ov.args[i].name == key) break;
      }
      if (i == n) { *why = str_cat(ov.name, "() got an unexpected keyword argument '", key, "'"); return false; }
      if (slots[i]) { *why = str_cat(ov.name, "() got multiple values for argument '", key, "'"); return false; }
      slots[i] = args[nargs + k];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (slots[i]) continue;
    if (!ov.args[i].default_value) { *why = str_cat(ov.name, "() missing required argument '", ov.args[i].name, "'"); return false; }
    slots[i] = ov.args[i].default_value;
  }
  return true;
}

const char* type_text(ArgType t) {
  switch (t) {
    case ArgType::Tensor: return "Tensor"; case ArgType::OptTensor: return "Tensor?";
    case ArgType::TensorList: return "tuple of Tensors"; case ArgType::OptTensorList: return "tuple of Tensors";
    case ArgType::Scalar: return "Number"; case ArgType::OptScalar: return "Number?";
    case ArgType::Int: return "int"; case ArgType::OptInt: return "int?";
    case ArgType::IntList: return "tuple of ints"; case ArgType::OptIntList: return "tuple of ints?";
    case ArgType::Float: return "float"; case ArgType::Bool: return "bool";
    case ArgType::DType: return "dtype"; case ArgType::OptDType: return "dtype?";
  }
  return "";
}

// ---- the function object -------------------------------------------------------------------------
struct OpFunctionObject {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  OpGroup* group;
};

PyObject* op_call(PyObject* callable, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  OpGroup* g = reinterpret_cast<OpFunctionObject*>(callable)->group;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  PyObject* slots[16];
  std::string first_why;
  for (const Overload& ov : g->overloads) {
    PyObject* owned = nullptr;
    std::string why;
    if (!bind(ov, args, nargs, kwnames, slots, &owned, &why)) {
      if (first_why.empty()) first_why = why;
      continue;
    }
    bool mismatch = false;
    PyObject* r = ov.invoke(ov, slots, &mismatch);
    Py_XDECREF(owned);
    if (!mismatch) return r;
  }
  // Build PyTorch's "received an invalid combination of arguments" message.
  std::string msg = str_cat(g->name, "() received an invalid combination of arguments - got (");
  for (Py_ssize_t i = 0; i < nargs; ++i) msg += str_cat(i ? ", " : "", Py_TYPE(args[i])->tp_name);
  if (kwnames)
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(kwnames); ++k)
      msg += str_cat(nargs + k ? ", " : "", PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k)), "=",
                     Py_TYPE(args[nargs + k])->tp_name);
  msg += "), but expected one of:";
  for (const Overload& ov : g->overloads) {
    msg += "\n * (";
    for (size_t i = 0; i < ov.args.size(); ++i) msg += str_cat(i ? ", " : "", type_text(ov.args[i].type), " ", ov.args[i].name);
    msg += ")";
  }
  if (!first_why.empty()) msg += "\n(" + first_why + ")";
  PyErr_SetString(PyExc_TypeError, msg.c_str());
  return nullptr;
}

PyObject* op_descr_get(PyObject* self, PyObject* obj, PyObject*) {
  if (!obj || obj == Py_None) { Py_INCREF(self); return self; }
  return PyMethod_New(self, obj);
}

PyObject* op_repr(PyObject* self) {
  return PyUnicode_FromFormat("<janus op %s>", reinterpret_cast<OpFunctionObject*>(self)->group->name.c_str());
}

PyObject* op_get_schemas(PyObject* self, void*) {
  OpGroup* g = reinterpret_cast<OpFunctionObject*>(self)->group;
  PyObject* list = PyList_New(0);
  for (const Overload& ov : g->overloads) {
    std::string s = g->name + "(";
    bool kw = false;
    for (size_t i = 0; i < ov.args.size(); ++i) {
      if (ov.args[i].kwonly && !kw) s += (i ? ", *" : "*"), kw = true;
      s += str_cat(i || kw ? ", " : "", type_text(ov.args[i].type), " ", ov.args[i].name);
    }
    PyObject* str = PyUnicode_FromString((s + ")").c_str());
    PyList_Append(list, str);
    Py_DECREF(str);
  }
  return list;
}

PyGetSetDef op_getset[] = {{"_schemas", op_get_schemas, nullptr, nullptr, nullptr}, {nullptr}};

PyTypeObject OpFunctionType = {PyVarObject_HEAD_INIT(nullptr, 0)};

// Collects the registry into groups, one per Python name and binding place.
struct Entry {
  const char* name;
  const char* cpp_name;
  const char* where;
  const char* schema;
  Invoker invoke;
};

#define JANUS_ENTRY(name, fn, where, schema) \
  {#name, #fn, #where, schema, [](const Overload& ov, PyObject** s, bool* m) { return invoke(&ops::fn, ov, s, m); }},
const Entry kEntries[] = {
    JANUS_BINARY_OPS(JANUS_ENTRY)
    JANUS_OTHER_OPS(JANUS_ENTRY)
#define _ JANUS_ENTRY
#define JANUS_UNARY_DECL(name, ...) JANUS_UNARY_OP_ENTRY(name)
#include "tensor/ops/unary.def"
#undef JANUS_UNARY_DECL
#undef _
};
#undef JANUS_ENTRY

}  // namespace

bool init_op_functions(PyObject* module) {
  static PyStructSequence_Field fields[] = {{"values", nullptr}, {"indices", nullptr}, {nullptr, nullptr}};
  static PyStructSequence_Desc desc = {"torch.return_types.values_indices", nullptr, fields, 2};
  values_indices_type = PyStructSequence_NewType(&desc);
  if (!values_indices_type) return false;
  PyModule_AddObject(module, "_values_indices", (PyObject*)values_indices_type);

  OpFunctionType.tp_name = "janus._OpFunction";
  OpFunctionType.tp_basicsize = sizeof(OpFunctionObject);
  OpFunctionType.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR;
  OpFunctionType.tp_vectorcall_offset = offsetof(OpFunctionObject, vectorcall);
  OpFunctionType.tp_call = PyVectorcall_Call;
  OpFunctionType.tp_descr_get = op_descr_get;
  OpFunctionType.tp_repr = op_repr;
  OpFunctionType.tp_getset = op_getset;
  if (PyType_Ready(&OpFunctionType) < 0) return false;

  // Python name -> group, separately for module functions and methods.
  static std::map<std::string, std::unique_ptr<OpGroup>> functions, methods;
  PyObject* registry = PyList_New(0);
  for (const Entry& e : kEntries) {
    Overload ov;
    ov.name = e.name;
    ov.cpp_name = e.cpp_name;
    ov.args = parse_schema(e.schema);
    for (const ArgSpec& a : ov.args) if (!a.kwonly) ++ov.npos;
    ov.invoke = e.invoke;
    std::string where = e.where;
    PyObject* item = Py_BuildValue("(sss)", e.name, e.where, e.schema);
    PyList_Append(registry, item);
    Py_DECREF(item);
    if (where.find('F') != std::string::npos) {
      auto& g = functions[e.name];
      if (!g) g = std::make_unique<OpGroup>(), g->name = e.name;
      g->overloads.push_back(ov);
    }
    if (where.find('M') != std::string::npos) {
      auto& g = methods[e.name];
      if (!g) g = std::make_unique<OpGroup>(), g->name = e.name;
      g->overloads.push_back(ov);
    }
  }
  PyModule_AddObject(module, "_registry", registry);
  auto make = [](OpGroup* g) {
    OpFunctionObject* f = PyObject_New(OpFunctionObject, &OpFunctionType);
    f->vectorcall = op_call;
    f->group = g;
    return (PyObject*)f;
  };
  for (auto& [name, g] : functions) PyModule_AddObject(module, name.c_str(), make(g.get()));
  PyObject* dict = TensorBaseType.tp_dict;
  for (auto& [name, g] : methods) {
    PyObject* f = make(g.get());
    PyDict_SetItemString(dict, name.c_str(), f);
    Py_DECREF(f);
  }
  PyType_Modified(&TensorBaseType);
  return true;
}

}  // namespace janus::py
