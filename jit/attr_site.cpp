// Record-time analysis of instance attribute accesses (see attr_site.h). Only types whose
// tp_version_tag is valid qualify: the trace guards that version, and any change to the
// class or its bases (rebinding a class attribute, assigning __getattribute__/__setattr__,
// adding a property) changes it. Everything not understood here stays generic.
#include "jit/attr_site.h"

#include <structmember.h>

#include "jit/runtime.h"

namespace janus::jit {

namespace {

bool versioned(PyTypeObject* tp) {
  return PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG) && tp->tp_version_tag != 0;
}

bool managed(PyTypeObject* tp) { return PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT); }

// A __slots__ member that reads/writes an object pointer at an offset (T_OBJECT_EX, as
// 3.11's LOAD_ATTR_SLOT requires): aux, or -1.
int32_t slot_aux(PyObject* descr) {
  if (descr == nullptr || Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
  PyMemberDef* m = reinterpret_cast<PyMemberDescrObject*>(descr)->d_member;
  if (m->type != T_OBJECT_EX || (m->flags & (READONLY | PY_AUDIT_READ)) != 0) return -1;
  return static_cast<int32_t>(rt::attr_aux(rt::kAttrSlot, m->offset));
}

// The instance's own value for `name` (managed dict types only): aux, or -1 when absent
// or in a layout the helpers do not read (dict subclass, non-str keys, big index).
int32_t instance_aux(PyObject* o, PyObject* name) {
  constexpr Py_ssize_t kMaxIndex = (1 << 22);
  PyDictValues* values = *_PyObject_ValuesPointer(o);
  if (values != nullptr) {
    PyDictKeysObject* keys = reinterpret_cast<PyHeapTypeObject*>(Py_TYPE(o))->ht_cached_keys;
    if (keys == nullptr) return -1;
    Py_ssize_t ix = _PyDictKeys_StringLookup(keys, name);
    if (ix < 0 || ix >= kMaxIndex || values->values[ix] == nullptr) return -1;
    return static_cast<int32_t>(rt::attr_aux(rt::kAttrValues, ix));
  }
  PyObject* d = *_PyObject_ManagedDictPointer(o);
  if (d == nullptr || !PyDict_CheckExact(d)) return -1;
  if (!DK_IS_UNICODE(reinterpret_cast<PyDictObject*>(d)->ma_keys)) return -1;
  PyObject* value = nullptr;
  Py_ssize_t hint = _PyDict_GetItemHint(reinterpret_cast<PyDictObject*>(d), name, -1, &value);
  if (PyErr_Occurred()) PyErr_Clear();
  if (hint < 0 || hint >= kMaxIndex || value == nullptr) return -1;
  return static_cast<int32_t>(rt::attr_aux(rt::kAttrDictHint, hint));
}

// CPython's tp_getattro for classes that define __getattr__ (typeobject.c keeps it
// static): read once from a probe class.
getattrofunc getattr_hook() {
  static getattrofunc hook = [] {
    getattrofunc found = nullptr;
    PyObject* type = PyObject_CallFunction(reinterpret_cast<PyObject*>(&PyType_Type), "s(O){sO}",
                                           "_janus_getattr_probe", &PyBaseObject_Type,
                                           "__getattr__", Py_None);
    if (type != nullptr) {
      found = reinterpret_cast<PyTypeObject*>(type)->tp_getattro;
      Py_DECREF(type);
    }
    PyErr_Clear();
    return found;
  }();
  return hook;
}

// Whether o.name is looked up as PyObject_GenericGetAttr does: the generic slot, or a
// class with __getattr__ (only consulted after a miss, which the plans never take) whose
// __getattribute__ is object's.
bool generic_lookup(PyTypeObject* tp) {
  if (tp->tp_getattro == PyObject_GenericGetAttr) return true;
  if (tp->tp_getattro == nullptr || tp->tp_getattro != getattr_hook()) return false;
  PyObject* mine = _PyType_Lookup(tp, &_Py_ID(__getattribute__));
  return mine != nullptr && mine == _PyType_Lookup(&PyBaseObject_Type, &_Py_ID(__getattribute__));
}

// The getter of the `__dict__` descriptor CPython gives classes with an instance dict
// (typeobject.c's subtype_dict, static there): read once from a probe class.
getter instance_dict_getter() {
  static getter found = [] {
    getter get = nullptr;
    PyObject* type = PyObject_CallFunction(reinterpret_cast<PyObject*>(&PyType_Type), "s(O){}",
                                           "_janus_dict_probe", &PyBaseObject_Type);
    PyObject* descr = type != nullptr ? _PyType_Lookup(reinterpret_cast<PyTypeObject*>(type), &_Py_ID(__dict__))
                                      : nullptr;
    if (descr != nullptr && Py_IS_TYPE(descr, &PyGetSetDescr_Type)) {
      get = reinterpret_cast<PyGetSetDescrObject*>(descr)->d_getset->get;
    }
    Py_XDECREF(type);
    PyErr_Clear();
    return get;
  }();
  return found;
}

// Whether a descriptor's getter cannot raise AttributeError on this managed-dict type:
// `o.__dict__` (subtype_dict: a managed dict always exists or is made; only MemoryError).
bool getter_cannot_miss(PyTypeObject* tp, PyObject* descr) {
  return managed(tp) && Py_IS_TYPE(descr, &PyGetSetDescr_Type) &&
         reinterpret_cast<PyGetSetDescrObject*>(descr)->d_getset->get == instance_dict_getter() &&
         instance_dict_getter() != nullptr;
}

}  // namespace

AttrPlan plan_load_attr(PyObject* o, PyObject* name, bool method) {
  AttrPlan plan;
  PyTypeObject* tp = Py_TYPE(o);
  if (!PyUnicode_CheckExact(name) || !generic_lookup(tp)) return plan;
  bool has_dict = managed(tp);
  PyObject* descr = _PyType_Lookup(tp, name);  // first: assigns the version tag if it can
  if (!versioned(tp)) return plan;
  // With __getattr__, an AttributeError from a descriptor's getter is swallowed and
  // __getattr__ runs instead: only getters that cannot raise it bind directly there.
  if (tp->tp_getattro != PyObject_GenericGetAttr && descr != nullptr &&
      Py_TYPE(descr)->tp_descr_get != nullptr && !PyFunction_Check(descr) &&
      Py_TYPE(descr) != &PyMethodDescr_Type && slot_aux(descr) < 0 && !getter_cannot_miss(tp, descr)) {
    return plan;
  }
  if (descr != nullptr && Py_TYPE(descr)->tp_descr_get != nullptr &&
      Py_TYPE(descr)->tp_descr_set != nullptr && slot_aux(descr) < 0) {
    // A data descriptor other than an object slot (a C getset such as Tensor.grad, a
    // property) wins over any instance dict: its getter runs, whatever the instance holds.
    plan.what = AttrPlan::kBind;
    plan.value = descr;
    return plan;
  }
  if (!has_dict && tp->tp_dictoffset != 0) return plan;  // a dict the helpers do not read
  int32_t slot = slot_aux(descr);
  if (slot >= 0) {  // a data descriptor: wins over the instance dict
    plan.what = AttrPlan::kInstance;
    plan.aux = slot;
    return plan;
  }

  if (descr == nullptr) {
    int32_t aux = has_dict ? instance_aux(o, name) : -1;
    if (aux < 0) return plan;
    plan.what = AttrPlan::kInstance;
    plan.aux = aux;
    return plan;
  }
  descrgetfunc get = Py_TYPE(descr)->tp_descr_get;
  // LOAD_METHOD leaves [function, self] only with the generic getattr slot; with
  // __getattr__, CPython's _PyObject_GetMethod binds (tier 0 pushes [NULL, bound method]).
  if (method && PyType_HasFeature(Py_TYPE(descr), Py_TPFLAGS_METHOD_DESCRIPTOR) &&
      tp->tp_getattro == PyObject_GenericGetAttr) {
    plan.what = AttrPlan::kMethod;
  } else if (get == nullptr) {
    plan.what = AttrPlan::kClassValue;
  } else if (Py_TYPE(descr)->tp_descr_set == nullptr) {
    plan.what = AttrPlan::kBind;  // `f = o.method`, classmethods: the descriptor binds
  } else {
    return plan;  // data descriptors (properties, ...): generic
  }
  plan.value = descr;
  plan.guard_absent = has_dict;
  // The instance shadows the class attribute now: generic (it would fail every time).
  if (has_dict && instance_aux(o, name) >= 0) plan.what = AttrPlan::kGeneric;
  return plan;
}

AttrPlan plan_store_attr(PyObject* o, PyObject* name) {
  AttrPlan plan;
  PyTypeObject* tp = Py_TYPE(o);
  if (!PyUnicode_CheckExact(name) || tp->tp_setattro != PyObject_GenericSetAttr) return plan;
  PyObject* descr = _PyType_Lookup(tp, name);  // first: assigns the version tag if it can
  if (!versioned(tp)) return plan;
  int32_t aux = slot_aux(descr);
  if (aux < 0) {
    // A data descriptor (property, non-object member) runs its setter: generic.
    if (descr != nullptr || !managed(tp)) return plan;
    aux = instance_aux(o, name);
    if (aux < 0) return plan;  // a new attribute: generic (insertion order, resizes)
  }
  plan.what = AttrPlan::kInstance;
  plan.aux = aux;
  return plan;
}

}  // namespace janus::jit
