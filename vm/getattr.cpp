// vm/getattr.h: the __getattr__ fallback without a formatted AttributeError on a miss.
#include "vm/getattr.h"

#include <cstdlib>

#include "vm/call_binding.h"

namespace janus::vm {

namespace {

// No type has this tp_getattro: getattr() takes CPython's path until init_getattr ran.
PyObject* not_a_slot(PyObject*, PyObject*) { return nullptr; }

}  // namespace

PyObject* g_getattr_name = nullptr;  // "__getattr__" (interned; getattr.h reads it)

namespace {
PyObject* g_getattribute_name = nullptr;  // "__getattribute__"
PyObject* g_name_name = nullptr;          // "name": AttributeError's attributes
PyObject* g_obj_name = nullptr;           // "obj"

// slot_tp_getattr_hook's call_attribute: binds the class's __getattr__ (any descriptor)
// to the instance and calls it with the name. A plain function (the usual case; its type
// cannot be subclassed, so its binding is always func_descr_get) is called with self
// directly: the same call, without a bound method object made and freed each time.
PyObject* call_attribute(PyObject* self, PyObject* attr, PyObject* name) {
  if (PyFunction_Check(attr)) {
    PyObject* args[2] = {self, name};
    return PyObject_Vectorcall(attr, args, 2, nullptr);
  }
  descrgetfunc get = Py_TYPE(attr)->tp_descr_get;
  PyObject* bound = nullptr;
  if (get != nullptr) {
    bound = get(attr, self, reinterpret_cast<PyObject*>(Py_TYPE(self)));
    if (bound == nullptr) return nullptr;
    attr = bound;
  }
  PyObject* res = PyObject_CallOneArg(attr, name);
  Py_XDECREF(bound);
  return res;
}

// The generic lookup with suppress=1 equals 3.11's (raise AttributeError, then the slot
// clears it and calls __getattr__) except in one place: when the instance dict's lookup
// itself raises AttributeError (a non-str key's __eq__ may), suppressed it goes on to the
// class's attributes where 3.11 calls __getattr__. Dicts whose keys are all str (nearly
// every instance dict) compare str with str, which cannot raise.
bool instance_dict_lookup_cannot_raise(PyObject* o) {
  PyTypeObject* tp = Py_TYPE(o);
  if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && *_PyObject_ValuesPointer(o) != nullptr) {
    return true;  // split values: str keys only
  }
  PyObject** dictptr = _PyObject_DictPointer(o);
  if (dictptr == nullptr || *dictptr == nullptr) return true;
  return DK_IS_UNICODE(reinterpret_cast<PyDictObject*>(*dictptr)->ma_keys);
}

}  // namespace

void add_attribute_error_context(PyObject* o, PyObject* name) {
  if (!PyErr_ExceptionMatches(PyExc_AttributeError)) return;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (PyErr_GivenExceptionMatches(value, PyExc_AttributeError)) {
    auto* exc = reinterpret_cast<PyAttributeErrorObject*>(value);
    if (exc->name == nullptr && exc->obj == nullptr &&
        (PyObject_SetAttr(value, g_name_name, name) < 0 ||
         PyObject_SetAttr(value, g_obj_name, o) < 0)) {
      // CPython raises the new error in place of the AttributeError.
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(traceback);
      return;
    }
  }
  PyErr_Restore(type, value, traceback);
}

getattrofunc g_getattr_hook_slot = not_a_slot;

bool init_getattr() {
  g_getattr_name = PyUnicode_InternFromString("__getattr__");
  g_getattribute_name = PyUnicode_InternFromString("__getattribute__");
  g_name_name = PyUnicode_InternFromString("name");
  g_obj_name = PyUnicode_InternFromString("obj");
  if (!g_getattr_name || !g_getattribute_name || !g_name_name || !g_obj_name) return false;
  // A class defining __getattr__ gets CPython's hook slot as its tp_getattro.
  PyObject* globals = PyDict_New();
  if (globals == nullptr) return false;
  PyObject* done = nullptr;
  if (PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0) {
    done = PyRun_String("class Probe:\n    def __getattr__(self, name): return name\n",
                        Py_file_input, globals, globals);
  }
  PyObject* probe = done ? PyDict_GetItemString(globals, "Probe") : nullptr;  // borrowed
  bool ok = probe != nullptr && PyType_Check(probe);
  if (ok) {
    getattrofunc slot = reinterpret_cast<PyTypeObject*>(probe)->tp_getattro;
    // Keep CPython's path if the probe's slot is not a distinct hook (never in 3.11).
    if (slot != nullptr && slot != PyObject_GenericGetAttr) g_getattr_hook_slot = slot;
  } else if (!PyErr_Occurred()) {
    PyErr_SetString(PyExc_RuntimeError, "janus: cannot define the __getattr__ probe class");
  }
  Py_XDECREF(done);
  Py_DECREF(globals);
  return ok;
}

namespace {

// The lookup for a class with __getattr__: slot_tp_getattr_hook with the generic lookup's
// suppress flag (3.12's way).
PyObject* getattr_with_hook(PyObject* o, PyObject* name) {
  PyTypeObject* tp = Py_TYPE(o);
  PyObject* getattr = _PyType_Lookup(tp, g_getattr_name);  // borrowed
  PyObject* getattribute = _PyType_Lookup(tp, g_getattribute_name);
  // The slot's own test for "__getattribute__ is object's".
  bool generic = getattribute == nullptr ||
                 (Py_IS_TYPE(getattribute, &PyWrapperDescr_Type) &&
                  reinterpret_cast<PyWrapperDescrObject*>(getattribute)->d_wrapped ==
                      reinterpret_cast<void*>(PyObject_GenericGetAttr));
  if (getattr == nullptr || !generic || !PyUnicode_CheckExact(name) ||
      !instance_dict_lookup_cannot_raise(o)) {
    return PyObject_GetAttr(o, name);
  }
  Py_INCREF(getattr);  // the lookup may run code that deletes it from the class
  PyObject* res = _PyObject_GenericGetAttrWithDict(o, name, nullptr, 1);
  if (res == nullptr && !PyErr_Occurred()) res = call_attribute(o, getattr, name);
  Py_DECREF(getattr);
  if (res == nullptr) add_attribute_error_context(o, name);
  return res;
}

}  // namespace

bool getattr_inlinable(PyObject* o, PyObject* name, PyObject* fn) {
  if (!PyUnicode_CheckExact(name)) return false;
  PyObject* getattribute = _PyType_Lookup(Py_TYPE(o), g_getattribute_name);
  const bool generic = getattribute == nullptr ||
                       (Py_IS_TYPE(getattribute, &PyWrapperDescr_Type) &&
                        reinterpret_cast<PyWrapperDescrObject*>(getattribute)->d_wrapped ==
                            reinterpret_cast<void*>(PyObject_GenericGetAttr));
  if (!generic || !instance_dict_lookup_cannot_raise(o)) return false;
  auto* code = reinterpret_cast<PyCodeObject*>(reinterpret_cast<PyFunctionObject*>(fn)->func_code);
  if (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE)) {
    return false;
  }
  CallPlan plan;
  return plan_call(reinterpret_cast<PyFunctionObject*>(fn), 2, nullptr, &plan);
}

constinit thread_local int t_getattr_count = 0;
constinit thread_local GetattrFrame* t_getattr_frames = nullptr;
namespace {
thread_local int t_getattr_capacity = 0;
}

void hold_getattr_frame(_PyInterpreterFrame* frame, PyObject* owner, PyObject* name) {
  if (t_getattr_count == t_getattr_capacity) {
    // Kept for the thread's life (one entry per nested __getattr__ frame).
    const int capacity = t_getattr_capacity == 0 ? 16 : 2 * t_getattr_capacity;
    auto* frames = static_cast<GetattrFrame*>(std::realloc(t_getattr_frames, sizeof(GetattrFrame) * capacity));
    if (frames == nullptr) std::abort();  // out of memory for a small array: nothing sane left
    t_getattr_frames = frames;
    t_getattr_capacity = capacity;
  }
  t_getattr_frames[t_getattr_count++] = {frame, Py_NewRef(owner), Py_NewRef(name)};
}

void release_getattr_top(bool raised) {
  GetattrFrame top = t_getattr_frames[--t_getattr_count];
  if (raised) add_attribute_error_context(top.owner, top.name);
  Py_DECREF(top.name);
  Py_DECREF(top.owner);
}

PyObject* getattr_slow(PyObject* o, PyObject* name) {
  if (Py_TYPE(o)->tp_getattro == g_getattr_hook_slot) return getattr_with_hook(o, name);
  return PyObject_GetAttr(o, name);
}

}  // namespace janus::vm
