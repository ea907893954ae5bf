// The instance-attribute helpers (GUARD_ATTR_SLOT, ATTR_SLOT, SET_ATTR_SLOT): CPython 3.11's
// specialized LOAD_ATTR/STORE_ATTR forms without the bytecode cache. The recorder has
// guarded the exact type and its tp_version_tag, so the type has Py_TPFLAGS_MANAGED_DICT
// (kinds values/hint/absent) or the member at the offset (kind slot), and the shared keys
// still index names as at record time (3.11 shared keys only grow).
#include "jit/cpython.h"
#include "jit/runtime.h"

namespace janus::jit::rt {

namespace {

inline PyObject* obj(uint64_t v) { return reinterpret_cast<PyObject*>(v); }
inline uint64_t raw(PyObject* o) { return reinterpret_cast<uint64_t>(o); }
inline AttrKind kind_of(int64_t aux) { return static_cast<AttrKind>(aux & 0xff); }
inline Py_ssize_t index_of(int64_t aux) { return static_cast<Py_ssize_t>(aux >> 8); }

// The managed dict when materialized as an exact dict with unicode keys, else NULL.
PyDictObject* managed_dict(PyObject* o) {
  PyObject* d = *_PyObject_ManagedDictPointer(o);
  if (d == nullptr || !PyDict_CheckExact(d)) return nullptr;
  auto* dict = reinterpret_cast<PyDictObject*>(d);
  return DK_IS_UNICODE(dict->ma_keys) ? dict : nullptr;
}

// The address of the value the attribute lives in, or NULL when the layout differs from
// the recorded one (the guard then fails and tier 0 runs the instruction).
PyObject** attr_address(PyObject* o, int64_t imm, int64_t aux) {
  Py_ssize_t index = index_of(aux);
  switch (kind_of(aux)) {
    case kAttrValues: {
      PyDictValues* values = *_PyObject_ValuesPointer(o);
      return values != nullptr ? &values->values[index] : nullptr;
    }
    case kAttrDictHint: {
      if (*_PyObject_ValuesPointer(o) != nullptr) return nullptr;
      PyDictObject* dict = managed_dict(o);
      if (dict == nullptr || index >= dict->ma_keys->dk_nentries) return nullptr;
      PyDictUnicodeEntry* entry = DK_UNICODE_ENTRIES(dict->ma_keys) + index;
      if (entry->me_key != reinterpret_cast<PyObject*>(imm)) return nullptr;
      // A split dict keeps its values apart from the (shared) keys.
      return dict->ma_values != nullptr ? &dict->ma_values->values[index] : &entry->me_value;
    }
    case kAttrSlot:
      return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + index);
    case kAttrAbsent:
      return nullptr;
  }
  return nullptr;
}

// kAttrAbsent: the instance's values / dict hold no key `name` (so a class attribute is
// not shadowed). Lookups of an interned str in a unicode-keyed dict run no Python code.
bool attr_absent(PyObject* o, PyObject* name) {
  PyDictValues* values = *_PyObject_ValuesPointer(o);
  if (values != nullptr) {
    PyDictKeysObject* keys = reinterpret_cast<PyHeapTypeObject*>(Py_TYPE(o))->ht_cached_keys;
    Py_ssize_t ix = _PyDictKeys_StringLookup(keys, name);
    return ix < 0 || values->values[ix] == nullptr;
  }
  PyObject* d = *_PyObject_ManagedDictPointer(o);
  if (d == nullptr) return true;
  if (!PyDict_CheckExact(d) || !DK_IS_UNICODE(reinterpret_cast<PyDictObject*>(d)->ma_keys)) {
    return false;  // a dict subclass or non-str keys could run code: not absent for sure
  }
  // A str-keyed table looked up by a str (the name is exact and interned): no code runs.
  auto* dict = reinterpret_cast<PyDictObject*>(d);
  Py_ssize_t ix = _PyDictKeys_StringLookup(dict->ma_keys, name);
  if (ix < 0) return ix == DKIX_EMPTY;
  PyObject* v = dict->ma_values != nullptr ? dict->ma_values->values[ix]
                                           : DK_UNICODE_ENTRIES(dict->ma_keys)[ix].me_value;
  return v == nullptr;
}

// A dict's existing value at *slot replaced by v as insertdict replaces one: the dict
// tracked by the GC when v may need it, a new version tag (PEP 509) when the value
// changes, the old value released last (it may run __del__).
void replace_dict_value(PyDictObject* dict, PyObject** slot, PyObject* v) {
  if (!_PyObject_GC_IS_TRACKED(dict) && _PyObject_GC_MAY_BE_TRACKED(v)) _PyObject_GC_TRACK(dict);
  PyObject* old = *slot;
  if (old == v) return;
  *slot = Py_NewRef(v);
  dict->ma_version_tag = DICT_NEXT_VERSION();
  Py_DECREF(old);
}

}  // namespace

uint64_t GUARD_ATTR_SLOT(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t aux) {
  PyObject* o = obj(a);
  if (kind_of(aux) == kAttrAbsent) return attr_absent(o, reinterpret_cast<PyObject*>(imm));
  PyObject** at = attr_address(o, imm, aux);
  return at != nullptr && *at != nullptr;
}

uint64_t ATTR_SLOT(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t aux) {
  PyObject* v = *attr_address(obj(a), imm, aux);
  Py_INCREF(v);
  return raw(v);
}

uint64_t SET_ATTR_SLOT(uint64_t a, uint64_t b, uint64_t, int64_t imm, int64_t aux) {
  PyObject* o = obj(a);
  PyObject* v = obj(b);
  if (kind_of(aux) == kAttrDictHint) {
    // A str-keyed dict with the name still at the hint: the value is replaced in place, as
    // 3.11's STORE_ATTR_WITH_HINT / insertdict do (GC tracking and a new version tag, PEP
    // 509); anything else goes through PyDict_SetItem.
    PyDictObject* dict = managed_dict(o);
    Py_ssize_t index = index_of(aux);
    if (dict != nullptr && index < dict->ma_keys->dk_nentries) {
      PyDictUnicodeEntry* entry = DK_UNICODE_ENTRIES(dict->ma_keys) + index;
      // A split table (shared keys) keeps the values apart; an existing value is replaced
      // there as insertdict does (no insertion-order change).
      PyObject** slot = dict->ma_values != nullptr ? &dict->ma_values->values[index] : &entry->me_value;
      if (entry->me_key == reinterpret_cast<PyObject*>(imm) && *slot != nullptr) {
        replace_dict_value(dict, slot, v);
        return 0;
      }
    }
    int rc = PyDict_SetItem(*_PyObject_ManagedDictPointer(o), reinterpret_cast<PyObject*>(imm), v);
    return rc < 0 ? static_cast<uint64_t>(-1) : 0;
  }
  PyObject** at = attr_address(o, imm, aux);
  PyObject* old = *at;  // present: GUARD_ATTR_SLOT passed, so the insertion order is kept
  Py_INCREF(v);
  *at = v;
  Py_XDECREF(old);  // may run __del__, as tier 0's store does
  return 0;
}

uint64_t GUARD_DICT_KEYS(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t aux) {
  auto* dict = reinterpret_cast<PyDictObject*>(a);
  PyDictKeysObject* keys = dict->ma_keys;
  if (keys->dk_version != static_cast<uint32_t>(imm)) return 0;
  return aux < 0 || DK_UNICODE_ENTRIES(keys)[aux].me_value != nullptr;
}

uint64_t DICT_ENTRY(uint64_t a, uint64_t, uint64_t, int64_t, int64_t aux) {
  auto* dict = reinterpret_cast<PyDictObject*>(a);
  return raw(Py_NewRef(DK_UNICODE_ENTRIES(dict->ma_keys)[aux].me_value));
}

uint64_t DICT_STORE_ENTRY(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  auto* dict = reinterpret_cast<PyDictObject*>(a);
  replace_dict_value(dict, &DK_UNICODE_ENTRIES(dict->ma_keys)[aux].me_value, obj(b));
  return 0;
}

uint64_t DESCR_GET(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  // Held during the call, as PyObject_GenericGetAttr holds it: a getter that deletes the
  // class attribute must not free the descriptor it runs in.
  PyObject* descr = Py_NewRef(reinterpret_cast<PyObject*>(imm));
  PyObject* o = obj(a);
  PyObject* res = Py_TYPE(descr)->tp_descr_get(descr, o, reinterpret_cast<PyObject*>(Py_TYPE(o)));
  Py_DECREF(descr);
  return raw(res);
}

}  // namespace janus::jit::rt
