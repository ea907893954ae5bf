// Inline forms of the instance-attribute helpers (jit/runtime_attr.cpp). Each reads exactly
// what its helper reads, and calls the helper wherever the fast path does not decide.
//
// - 3.11 inline values (values[index] behind the pointer at obj - 4 words) and __slots__
//   members (a pointer at a fixed offset): two loads and a null test.
// - Materialized split dicts (dict hint) and not-shadowed checks (kAttrAbsent), when the
//   instance's keys are its type's shared keys (ht_cached_keys), as for every instance of a
//   class until its dict is replaced or turns combined. The shared keys are read once, at
//   compile time: the type the trace guards holds them (a heap type keeps its cached keys
//   for its whole life in 3.11), and shared keys only grow: an entry's key never changes,
//   the table never moves, dk_nentries only increases. So "the name is entry i" stays true,
//   "the name is in none of the first n entries" holds while dk_nentries == n, and a value
//   slot is values[i] of the instance's values (inline, or the split dict's ma_values).
#include "jit/backend_x64_lowering.h"
#include "jit/runtime.h"

namespace janus::jit::x64 {

using namespace asmjit;

namespace {

// _PyObject_ValuesPointer(o) == (PyDictValues**)o - 4, _PyObject_ManagedDictPointer(o) ==
// (PyObject**)o - 3 (CPython 3.11, pycore_object.h).
constexpr int32_t kValuesPointer = -4 * static_cast<int32_t>(sizeof(PyObject*));
constexpr int32_t kDictPointer = -3 * static_cast<int32_t>(sizeof(PyObject*));
// _PyObject_GC_IS_TRACKED(d): the GC header before the object has _gc_next != 0.
constexpr int32_t kGcNext = -static_cast<int32_t>(sizeof(PyGC_Head)) +
                            static_cast<int32_t>(offsetof(PyGC_Head, _gc_next));
constexpr int32_t kValue0 = offsetof(PyDictValues, values);

rt::AttrKind kind_of(const Instr& in) { return static_cast<rt::AttrKind>(in.aux & 0xff); }
int32_t index_of(const Instr& in) { return in.aux >> 8; }

// What the shared keys of the instance's type say about the op's name (imm).
struct SharedKeys {
  PyDictKeysObject* keys = nullptr;
  Py_ssize_t name_index = -1;  // the name's entry (its key is the name itself), or -1: absent
  Py_ssize_t nentries = 0;     // dk_nentries now
};

// The shared keys of the type that the nearest GUARD_TYPE of the op's object before `ref`
// guards (the recorder guards the exact type before every attribute op; the guard pass keeps
// the nearest one unless it is proven), or false when there is none or a fast path could
// not decide from them (a str key equal to the name but another object).
bool find_shared_keys(const Trace& trace, Ref ref, const Instr& in, SharedKeys* out) {
  PyTypeObject* tp = nullptr;
  for (Ref r = ref; r-- > 0;) {
    const Instr& g = trace.ops[r];
    if (g.op == Op::GUARD_TYPE && g.a == in.a) {
      tp = reinterpret_cast<PyTypeObject*>(g.imm);
      break;
    }
  }
  if (tp == nullptr || !PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE) ||
      !PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)) {
    return false;
  }
  PyDictKeysObject* keys = reinterpret_cast<PyHeapTypeObject*>(tp)->ht_cached_keys;
  auto* name = reinterpret_cast<PyObject*>(in.imm);
  if (keys == nullptr || !DK_IS_UNICODE(keys) || !PyUnicode_CheckExact(name)) return false;
  // A str looked up in a str-keyed table: no Python code runs (as the helpers' lookups).
  Py_ssize_t ix = _PyDictKeys_StringLookup(keys, name);
  if (ix >= 0 && DK_UNICODE_ENTRIES(keys)[ix].me_key != name) return false;
  out->keys = keys;
  out->name_index = ix >= 0 ? ix : -1;
  out->nentries = keys->dk_nentries;
  return ix >= 0 || ix == DKIX_EMPTY;
}

// The hint kinds' fast path applies when the hinted entry of the shared keys is the name.
bool hint_in_shared_keys(const Trace& trace, Ref ref, const Instr& in, SharedKeys* sk) {
  return find_shared_keys(trace, ref, in, sk) && sk->name_index == index_of(in);
}

}  // namespace

// `values` = the values array of a materialized split dict of `a` whose keys are `keys`;
// jumps to `no_dict` when the managed dict pointer is NULL, and to `slow` for any other
// dict (a dict subclass, a combined or replaced dict: the helper decides).
void TraceLowering::split_dict_values(const x86::Gp& a, const x86::Gp& values,
                                      PyDictKeysObject* keys, const Label& no_dict,
                                      const Label& slow) {
  x86::Gp dict = new_gp();
  x86::Gp expected = new_gp(TypeId::kUInt64);
  cc_.mov(dict, x86::qword_ptr(a, kDictPointer));
  cc_.test(dict, dict);
  cc_.jz(no_dict);
  cmp_imm(x86::qword_ptr(dict, offsetof(PyObject, ob_type)), reinterpret_cast<intptr_t>(&PyDict_Type));
  cc_.jne(slow);
  cc_.mov(expected, imm(reinterpret_cast<intptr_t>(keys)));
  cc_.cmp(x86::qword_ptr(dict, offsetof(PyDictObject, ma_keys)), expected);
  cc_.jne(slow);
  cc_.mov(values, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
  cc_.test(values, values);
  cc_.jz(slow);  // shared keys belong to split tables only; kept for safety
}

// GUARD_ATTR_SLOT: the value at the recorded place is present (not NULL), or (kAttrAbsent)
// the instance does not have the name.
void TraceLowering::lower_guard_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  x86::Gp a = gp(in.a);
  if (kind == rt::kAttrSlot) {
    roll(in);
    cc_.cmp(x86::qword_ptr(a, index_of(in)), 0);
    cc_.je(stub(in.exit));
    return;
  }
  if (kind == rt::kAttrValues) {
    roll(in);
    x86::Gp values = new_gp();
    cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
    cc_.test(values, values);
    cc_.jz(stub(in.exit));
    cc_.cmp(x86::qword_ptr(values, kValue0 + index_of(in) * 8), 0);
    cc_.je(stub(in.exit));
    return;
  }
  SharedKeys sk;
  if (kind == rt::kAttrDictHint ? !hint_in_shared_keys(trace_, ref, in, &sk)
                                : !find_shared_keys(trace_, ref, in, &sk)) {
    return lower_call(ref, in);
  }
  roll(in);
  Label slow = cc_.newLabel(), pass = cc_.newLabel();
  x86::Gp values = new_gp();
  if (kind == rt::kAttrDictHint) {
    // The helper's attr_address: no inline values, an exact dict, the name at the hint.
    cc_.cmp(x86::qword_ptr(a, kValuesPointer), 0);
    cc_.jne(stub(in.exit));
    split_dict_values(a, values, sk.keys, stub(in.exit), slow);
    cc_.cmp(x86::qword_ptr(values, kValue0 + index_of(in) * 8), 0);
    cc_.je(stub(in.exit));
    cc_.jmp(pass);
  } else {
    // attr_absent: inline values are indexed by the type's keys; a dict must have them.
    Label no_values = cc_.newLabel(), check = cc_.newLabel();
    x86::Gp keys = new_gp();
    x86::Gp expected = new_gp(TypeId::kUInt64);
    cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
    cc_.test(values, values);
    cc_.jz(no_values);
    cc_.mov(keys, x86::qword_ptr(a, offsetof(PyObject, ob_type)));
    cc_.mov(keys, x86::qword_ptr(keys, offsetof(PyHeapTypeObject, ht_cached_keys)));
    cc_.mov(expected, imm(reinterpret_cast<intptr_t>(sk.keys)));
    cc_.cmp(keys, expected);
    cc_.jne(slow);
    cc_.jmp(check);
    cc_.bind(no_values);
    // No dict at all: absent.
    split_dict_values(a, values, sk.keys, pass, slow);
    cc_.bind(check);
    if (sk.name_index >= 0) {
      cc_.cmp(x86::qword_ptr(values, kValue0 + int32_t(sk.name_index) * 8), 0);
      cc_.jne(stub(in.exit));  // the instance shadows the name
    } else {
      // Not among the shared keys' entries: still so while none was added.
      cc_.mov(keys, imm(reinterpret_cast<intptr_t>(sk.keys)));
      cc_.cmp(x86::qword_ptr(keys, offsetof(PyDictKeysObject, dk_nentries)),
              imm(int32_t(sk.nentries)));
      cc_.jne(slow);
    }
    cc_.jmp(pass);
  }
  cc_.bind(slow);
  after_call(ref, in, invoke_helper(in));
  cc_.bind(pass);
}

// ATTR_SLOT (after its guard): a new reference to the value.
void TraceLowering::lower_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  x86::Gp a = gp(in.a);
  x86::Gp out = gp(ref);
  if (kind == rt::kAttrSlot || kind == rt::kAttrValues) {
    if (kind == rt::kAttrSlot) {
      cc_.mov(out, x86::qword_ptr(a, index_of(in)));
    } else {
      cc_.mov(out, x86::qword_ptr(a, kValuesPointer));
      cc_.mov(out, x86::qword_ptr(out, kValue0 + index_of(in) * 8));
    }
    cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
    return;
  }
  SharedKeys sk;
  if (kind != rt::kAttrDictHint || !hint_in_shared_keys(trace_, ref, in, &sk)) {
    return lower_call(ref, in);
  }
  // The guard passed: the dict is there; its keys say where the value is.
  Label slow = cc_.newLabel(), done = cc_.newLabel();
  x86::Gp dict = new_gp();
  x86::Gp expected = new_gp(TypeId::kUInt64);
  cc_.mov(dict, x86::qword_ptr(a, kDictPointer));
  cc_.mov(expected, imm(reinterpret_cast<intptr_t>(sk.keys)));
  cc_.cmp(x86::qword_ptr(dict, offsetof(PyDictObject, ma_keys)), expected);
  cc_.jne(slow);
  cc_.mov(out, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
  cc_.mov(out, x86::qword_ptr(out, kValue0 + index_of(in) * 8));
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
  cc_.jmp(done);
  cc_.bind(slow);
  after_call(ref, in, invoke_helper(in));  // a new reference already
  cc_.bind(done);
}

// SET_ATTR_SLOT (after its guard). Inline values and slots: Py_INCREF(v), store, then the
// old value released (it may run __del__: the frame's instruction is set first, as the
// helper call's protocol does). A split dict with the type's keys: replace_dict_value
// inline (the dict GC-tracked when v may need it, a new PEP 509 version tag from the
// interpreter's dict version counter when the value changes, the old value released
// last); a dict v would have to start tracking, and every other dict, call the helper.
void TraceLowering::lower_set_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  SharedKeys sk;
  if (kind == rt::kAttrDictHint ? !hint_in_shared_keys(trace_, ref, in, &sk)
                                : kind != rt::kAttrValues && kind != rt::kAttrSlot) {
    return lower_call(ref, in);
  }
  set_frame_instr(in);
  x86::Gp a = gp(in.a);
  x86::Gp v = gp(in.b);
  x86::Gp values = new_gp();
  x86::Gp old = new_gp();
  Label slow = cc_.newLabel(), release = cc_.newLabel(), done = cc_.newLabel();
  x86::Mem slot;
  if (kind == rt::kAttrSlot) {
    slot = x86::qword_ptr(a, index_of(in));
  } else if (kind == rt::kAttrValues) {
    cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
    slot = x86::qword_ptr(values, kValue0 + index_of(in) * 8);
  } else {
    split_dict_values(a, values, sk.keys, slow, slow);
    slot = x86::qword_ptr(values, kValue0 + index_of(in) * 8);
    cc_.mov(old, slot);
    cc_.test(old, old);
    cc_.jz(slow);  // deleted since the guard? the helper's PyDict_SetItem path
    Label tracked = cc_.newLabel();
    x86::Gp dict = new_gp();
    x86::Gp type = new_gp();
    cc_.mov(dict, x86::qword_ptr(a, kDictPointer));
    cc_.cmp(x86::qword_ptr(dict, kGcNext), 0);
    cc_.jne(tracked);
    // _PyObject_GC_MAY_BE_TRACKED(v) is false without Py_TPFLAGS_HAVE_GC; else the helper.
    cc_.mov(type, x86::qword_ptr(v, offsetof(PyObject, ob_type)));
    cc_.test(x86::qword_ptr(type, offsetof(PyTypeObject, tp_flags)), Py_TPFLAGS_HAVE_GC);
    cc_.jnz(slow);
    cc_.bind(tracked);
    cc_.cmp(old, v);
    cc_.je(done);  // the same object: no new version (insertdict's rule)
    cc_.add(x86::qword_ptr(v, offsetof(PyObject, ob_refcnt)), 1);
    cc_.mov(slot, v);
    x86::Gp counter = new_gp();
    x86::Gp version = new_gp(TypeId::kUInt64);
    cc_.mov(counter, imm(reinterpret_cast<intptr_t>(&_pydict_global_version)));
    cc_.mov(version, x86::qword_ptr(counter));
    cc_.add(version, 1);
    cc_.mov(x86::qword_ptr(counter), version);  // DICT_NEXT_VERSION()
    cc_.mov(x86::qword_ptr(dict, offsetof(PyDictObject, ma_version_tag)), version);
    cc_.jmp(release);
  }
  if (kind != rt::kAttrDictHint) {
    cc_.mov(old, slot);  // present: the guard passed
    cc_.add(x86::qword_ptr(v, offsetof(PyObject, ob_refcnt)), 1);
    cc_.mov(slot, v);
    cc_.test(old, old);
    cc_.jz(done);
  }
  cc_.bind(release);
  emit_decref(cc_, old, false);  // may run __del__, as the helper's release does
  if (kind == rt::kAttrDictHint) {
    cc_.jmp(done);
    cc_.bind(slow);
    after_call(ref, in, invoke_helper(in));
  }
  cc_.bind(done);
}

}  // namespace janus::jit::x64
