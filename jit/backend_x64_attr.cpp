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

// Ops that can neither run code nor change an instance's type, dict or values: between a
// guard and a later op on the same object, the guard's facts still hold at that op. Only
// ops that call nothing that may run code (no kEffect helper, no GC allocation, no
// release); the frame stores swap a slot and incref (their old value's XDECREF is a
// separate op, which is not here).
bool runs_no_code(Op op) {
  switch (op) {
    case Op::CONST_OBJ: case Op::CONST_I64: case Op::CONST_F64: case Op::CONST_BOOL:
    case Op::LOAD_LOCAL: case Op::LOAD_STACK: case Op::NEWREF: case Op::INCREF:
    case Op::KEEP_ALIVE: case Op::ATTR_SLOT: case Op::LOAD_FIELD: case Op::FRAME_LOAD:
    case Op::FRAME_STORE: case Op::STORE_LOCAL: case Op::BOX_FLOAT: case Op::BOX_INT:
    case Op::BOX_BOOL: case Op::UNBOX_FLOAT: case Op::UNBOX_INT: case Op::DICT_ENTRY:
    case Op::ENTRY_PTR: case Op::ENTRY_I64: case Op::ENTRY_F64: case Op::ENTRY_BOOL:
    case Op::GUARD_TYPE: case Op::GUARD_TYPE_VERSION: case Op::GUARD_ATTR_SLOT:
    case Op::GUARD_IS: case Op::GUARD_IS_NOT: case Op::GUARD_NOT_NULL: case Op::GUARD_TRUE:
    case Op::GUARD_FALSE: case Op::GUARD_DICT_VERSION: case Op::GUARD_FUNC_VERSION:
    case Op::GUARD_INT64: case Op::GUARD_FINITE_F64: case Op::GUARD_CFUNC_DEF:
    case Op::GUARD_NONZERO_I64: case Op::GUARD_NONZERO_F64:
      return true;
    default:
      return (op_info(op).flags & kPure) != 0;  // arithmetic, comparisons, MATH_F64
  }
}

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
  bool typed = false;          // the object's type is surely the guarded one at the op
};

// The nearest op before `ref` for which `match` holds, when nothing between it and `ref`
// may run code (runs_no_code), else kNoRef. The trace is straight-line code, so an op
// before `ref` that did not exit has run, and its facts hold at `ref`.
template <class Match>
Ref adjacent_before(const Trace& trace, Ref ref, Match match) {
  for (Ref r = ref; r-- > 0;) {
    const Instr& g = trace.ops[r];
    if (g.dead) continue;
    if (match(g)) return r;
    if (!runs_no_code(g.op)) return kNoRef;
  }
  return kNoRef;
}

// The shared keys of the type that the nearest GUARD_TYPE of the op's object before `ref`
// guards (the recorder guards the exact type before every attribute op; the guard pass keeps
// the nearest one unless it is proven), or false when there is none or a fast path could
// not decide from them (a str key equal to the name but another object). `typed`: that
// guard is adjacent (adjacent_before), so the object's type is the guarded one at `ref`
// (without it, fast paths read only the instance's own dict, whose keys they compare).
bool find_shared_keys(const Trace& trace, Ref ref, const Instr& in, SharedKeys* out) {
  PyTypeObject* tp = nullptr;
  Ref guard = kNoRef;
  for (Ref r = ref; r-- > 0;) {
    const Instr& g = trace.ops[r];
    if (g.op == Op::GUARD_TYPE && g.a == in.a && !g.dead) {
      tp = reinterpret_cast<PyTypeObject*>(g.imm);
      guard = r;
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
  out->typed = adjacent_before(trace, ref, [&](const Instr& g) { return &g == &trace.ops[guard]; }) == guard;
  return ix >= 0 || ix == DKIX_EMPTY;
}

// The GUARD_ATTR_SLOT of the same object, name and place that `ref` follows with nothing
// between that may change the instance: it passed, so the attribute is there (not NULL) and
// the managed dict an exact dict (the helper passes no other), or kNoRef.
Ref dominating_guard(const Trace& trace, Ref ref, const Instr& in) {
  return adjacent_before(trace, ref, [&](const Instr& g) {
    return g.op == Op::GUARD_ATTR_SLOT && g.a == in.a && g.imm == in.imm && g.aux == in.aux;
  });
}

// The hint kinds' fast path applies when the hinted entry of the shared keys is the name.
bool hint_in_shared_keys(const Trace& trace, Ref ref, const Instr& in, SharedKeys* sk) {
  return find_shared_keys(trace, ref, in, sk) && sk->name_index == index_of(in);
}

}  // namespace

// `dict` = the managed dict of `a` when it is an exact dict whose keys are `keys` (the
// type's shared keys: a split table, whose values are ma_values); jumps to `no_dict` when
// the managed dict pointer is NULL, and to `slow` for any other dict (a dict subclass, a
// combined or replaced dict: the helper decides). `keys_reg` holds `keys` afterwards.
void TraceLowering::shared_keys_dict(const x86::Gp& a, const x86::Gp& dict, const x86::Gp& keys_reg,
                                     PyDictKeysObject* keys, const Label& no_dict,
                                     const Label& slow) {
  cc_.mov(dict, x86::qword_ptr(a, kDictPointer));
  cc_.test(dict, dict);
  cc_.jz(no_dict);
  cmp_imm(x86::qword_ptr(dict, offsetof(PyObject, ob_type)), reinterpret_cast<intptr_t>(&PyDict_Type));
  cc_.jne(slow);
  cc_.mov(keys_reg, imm(reinterpret_cast<intptr_t>(keys)));
  cc_.cmp(x86::qword_ptr(dict, offsetof(PyDictObject, ma_keys)), keys_reg);
  cc_.jne(slow);
}

// `values` = the values array of a materialized split dict of `a` whose keys are `keys`
// (shared_keys_dict's jumps). Shared keys belong to split tables only (a dict with them
// has ma_values; combined tables own their keys), so ma_values is not tested.
void TraceLowering::split_dict_values(const x86::Gp& a, const x86::Gp& values,
                                      PyDictKeysObject* keys, const Label& no_dict,
                                      const Label& slow) {
  x86::Gp dict = new_gp();
  x86::Gp expected = new_gp(TypeId::kUInt64);
  shared_keys_dict(a, dict, expected, keys, no_dict, slow);
  cc_.mov(values, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
}

// A copy of a value the code below reads several times in several blocks: one load of a
// spilled value instead of one per block (asmjit reloads a spilled register per use).
x86::Gp TraceLowering::local_copy(Ref ref) {
  if (is_constant(op(ref).op)) return gp(ref);  // already a fresh register
  x86::Gp r = new_gp();
  cc_.mov(r, gp(ref));
  return r;
}

// The helper's call, out of line (after the loop body): the fast path falls through, the
// helper's path jumps back to `resume` with its result handled by after_call.
void TraceLowering::cold_helper(Ref ref, const Instr& in, const Label& slow, const Label& resume) {
  cold([this, ref, &in, slow, resume] {
    cc_.bind(slow);
    after_call(ref, in, invoke_helper(in));
    cc_.jmp(resume);
  });
}

// Whether the trace reads or writes an attribute of `obj` in its materialized dict (a dict
// hint; an op a pass removed counts too): the object had a dict when recorded. A hint for
// the order of tests only.
bool TraceLowering::had_dict(Ref obj) const {
  for (const Instr& in : trace_.ops) {
    if (in.a == obj && kind_of(in) == rt::kAttrDictHint &&
        (in.op == Op::GUARD_ATTR_SLOT || in.op == Op::ATTR_SLOT || in.op == Op::SET_ATTR_SLOT)) {
      return true;
    }
  }
  return false;
}

// GUARD_ATTR_SLOT: the value at the recorded place is present (not NULL), or (kAttrAbsent)
// the instance does not have the name.
void TraceLowering::lower_guard_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  if (kind == rt::kAttrSlot) {
    roll(in);
    cc_.cmp(x86::qword_ptr(gp(in.a), index_of(in)), 0);
    cc_.je(stub(in.exit));
    return;
  }
  if (kind == rt::kAttrValues) {
    roll(in);
    x86::Gp values = new_gp();
    cc_.mov(values, x86::qword_ptr(gp(in.a), kValuesPointer));
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
  x86::Gp a = local_copy(in.a);
  x86::Gp values = new_gp();
  if (kind == rt::kAttrDictHint) {
    // The helper's attr_address: no inline values, an exact dict, the name at the hint. A
    // managed dict and inline values are never both there (3.11 materializes the dict
    // from the values and drops them: _PyObject_GetDictPtr asserts it), so the dict's
    // presence says there are no values.
    split_dict_values(a, values, sk.keys, stub(in.exit), slow);
    cc_.cmp(x86::qword_ptr(values, kValue0 + index_of(in) * 8), 0);
    cc_.je(stub(in.exit));
  } else {
    // attr_absent: inline values are indexed by the type's keys; a dict must have them.
    // Neither: absent. Which is looked at first follows the object's other attribute ops
    // in the trace (a dict hint says it had a dict when recorded): one test either way.
    // The path emitted `last` falls through into what follows: the count, or the pass.
    Label second = cc_.newLabel(), count = cc_.newLabel();
    x86::Gp keys = new_gp(TypeId::kUInt64);
    auto values_path = [=, this](const Label& none, bool last) {
      cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
      cc_.test(values, values);
      cc_.jz(none);
      if (!sk.typed) {
        // The type guard is not adjacent: the instance's type (whose keys index its
        // values) is compared with the one whose keys were read.
        x86::Gp expected = new_gp(TypeId::kUInt64);
        cc_.mov(keys, x86::qword_ptr(a, offsetof(PyObject, ob_type)));
        cc_.mov(keys, x86::qword_ptr(keys, offsetof(PyHeapTypeObject, ht_cached_keys)));
        cc_.mov(expected, imm(reinterpret_cast<intptr_t>(sk.keys)));
        cc_.cmp(keys, expected);
        cc_.jne(slow);
      }
      if (sk.name_index >= 0) {
        cc_.cmp(x86::qword_ptr(values, kValue0 + int32_t(sk.name_index) * 8), 0);
        cc_.jne(stub(in.exit));  // the instance shadows the name
        if (!last) cc_.jmp(pass);
      } else {
        cc_.mov(keys, imm(reinterpret_cast<intptr_t>(sk.keys)));
        if (!last) cc_.jmp(count);
      }
    };
    // A split dict of the type's keys: its value slot, or the name is in none of the
    // keys' entries (values are not read).
    auto dict_path = [&](const Label& none, bool last) {
      x86::Gp dict = new_gp();
      shared_keys_dict(a, dict, keys, sk.keys, none, slow);
      if (sk.name_index >= 0) {
        cc_.mov(values, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
        cc_.cmp(x86::qword_ptr(values, kValue0 + int32_t(sk.name_index) * 8), 0);
        cc_.jne(stub(in.exit));  // the instance shadows the name
        if (!last) cc_.jmp(pass);
      } else if (!last) {
        cc_.jmp(count);
      }
    };
    if (had_dict(in.a)) {
      // The values path out of line (it jumps back to the count or the pass).
      dict_path(second, true);
      cold([this, values_path, second, pass] {
        cc_.bind(second);
        values_path(pass, false);
      });
    } else {
      values_path(second, false);
      cc_.bind(second);
      dict_path(pass, true);
    }
    if (sk.name_index < 0) {
      // Not among the shared keys' entries: still so while none was added.
      cc_.bind(count);
      cc_.cmp(x86::qword_ptr(keys, offsetof(PyDictKeysObject, dk_nentries)),
              imm(int32_t(sk.nentries)));
      cc_.jne(slow);
    }
  }
  cold_helper(ref, in, slow, pass);
  cc_.bind(pass);
}

// ATTR_SLOT (after its guard): a new reference to the value.
void TraceLowering::lower_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  x86::Gp out = gp(ref);
  if (kind == rt::kAttrSlot || kind == rt::kAttrValues) {
    x86::Gp a = gp(in.a);
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
  cc_.mov(dict, x86::qword_ptr(gp(in.a), kDictPointer));
  cc_.mov(expected, imm(reinterpret_cast<intptr_t>(sk.keys)));
  cc_.cmp(x86::qword_ptr(dict, offsetof(PyDictObject, ma_keys)), expected);
  cc_.jne(slow);
  cc_.mov(out, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
  cc_.mov(out, x86::qword_ptr(out, kValue0 + index_of(in) * 8));
  cc_.add(x86::qword_ptr(out, offsetof(PyObject, ob_refcnt)), 1);
  cold_helper(ref, in, slow, done);  // a new reference already
  cc_.bind(done);
}

// Whether `v` surely is an object whose type has no Py_TPFLAGS_HAVE_GC wherever `at` runs
// (so _PyObject_GC_MAY_BE_TRACKED(v) is false): a fresh float, int or bool, a constant of
// a static type, or a value an earlier GUARD_TYPE found to be of a static type (static
// types' instances keep their type).
bool TraceLowering::never_gc(Ref v, Ref at) const {
  auto static_non_gc = [](PyTypeObject* tp) {
    return !PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE) && !PyType_HasFeature(tp, Py_TPFLAGS_HAVE_GC);
  };
  while (op(v).op == Op::NEWREF) v = op(v).a;
  const Instr& def = op(v);
  if (def.op == Op::BOX_FLOAT || def.op == Op::BOX_INT || def.op == Op::BOX_BOOL) return true;
  if (def.op == Op::CONST_OBJ && def.imm != 0) {
    return static_non_gc(Py_TYPE(reinterpret_cast<PyObject*>(def.imm)));
  }
  for (Ref g = at; g-- > v;) {
    const Instr& in = op(g);
    if (in.op == Op::GUARD_TYPE && !in.dead && in.a == v &&
        static_non_gc(reinterpret_cast<PyTypeObject*>(in.imm))) {
      return true;
    }
  }
  return false;
}

// SET_ATTR_SLOT (after its guard). Inline values and slots: Py_INCREF(v), store, then the
// old value released (it may run __del__: the frame's instruction is set first, as the
// helper call's protocol does). A split dict with the type's keys: replace_dict_value
// inline (the dict GC-tracked when v may need it, a new PEP 509 version tag from the
// interpreter's dict version counter when the value changes, the old value released
// last); a dict v would have to start tracking, and every other dict, call the helper.
// When the guard of the same attribute is adjacent (nothing between may change the
// instance), its pass says the dict is an exact dict with the value present: only the
// keys are compared.
void TraceLowering::lower_set_attr_slot(Ref ref, const Instr& in) {
  const rt::AttrKind kind = kind_of(in);
  SharedKeys sk;
  if (kind == rt::kAttrDictHint ? !hint_in_shared_keys(trace_, ref, in, &sk)
                                : kind != rt::kAttrValues && kind != rt::kAttrSlot) {
    return lower_call(ref, in);
  }
  set_frame_instr(in);
  x86::Gp v = gp(in.b);
  x86::Gp values = new_gp();
  x86::Gp old = new_gp();
  Label done = cc_.newLabel();
  if (kind != rt::kAttrDictHint) {
    x86::Gp a = gp(in.a);
    x86::Mem slot;
    if (kind == rt::kAttrSlot) {
      slot = x86::qword_ptr(a, index_of(in));
    } else {
      cc_.mov(values, x86::qword_ptr(a, kValuesPointer));
      slot = x86::qword_ptr(values, kValue0 + index_of(in) * 8);
    }
    cc_.mov(old, slot);  // present: the guard passed
    cc_.add(x86::qword_ptr(v, offsetof(PyObject, ob_refcnt)), 1);
    cc_.mov(slot, v);
    cc_.test(old, old);
    cc_.jz(done);
    emit_decref(cc_, old, false);  // may run __del__, as the helper's release does
    cc_.bind(done);
    return;
  }
  Label slow = cc_.newLabel();
  x86::Gp a = local_copy(in.a);
  x86::Gp dict = new_gp();
  x86::Gp keys = new_gp(TypeId::kUInt64);
  const bool guarded = dominating_guard(trace_, ref, in) != kNoRef;
  if (guarded) {
    cc_.mov(dict, x86::qword_ptr(a, kDictPointer));
    cc_.mov(keys, imm(reinterpret_cast<intptr_t>(sk.keys)));
    cc_.cmp(x86::qword_ptr(dict, offsetof(PyDictObject, ma_keys)), keys);
    cc_.jne(slow);
  } else {
    shared_keys_dict(a, dict, keys, sk.keys, slow, slow);
  }
  cc_.mov(values, x86::qword_ptr(dict, offsetof(PyDictObject, ma_values)));
  const x86::Mem slot = x86::qword_ptr(values, kValue0 + index_of(in) * 8);
  cc_.mov(old, slot);
  if (!guarded) {
    cc_.test(old, old);
    cc_.jz(slow);  // deleted since the guard? the helper's PyDict_SetItem path
  }
  if (!never_gc(in.b, ref)) {
    Label tracked = cc_.newLabel();
    x86::Gp type = new_gp();
    cc_.cmp(x86::qword_ptr(dict, kGcNext), 0);
    cc_.jne(tracked);
    // _PyObject_GC_MAY_BE_TRACKED(v) is false without Py_TPFLAGS_HAVE_GC; else the helper.
    cc_.mov(type, x86::qword_ptr(v, offsetof(PyObject, ob_type)));
    cc_.test(x86::qword_ptr(type, offsetof(PyTypeObject, tp_flags)), Py_TPFLAGS_HAVE_GC);
    cc_.jnz(slow);
    cc_.bind(tracked);
  }
  cc_.cmp(old, v);
  cc_.je(done);  // the same object: no new version (insertdict's rule)
  cc_.add(x86::qword_ptr(v, offsetof(PyObject, ob_refcnt)), 1);
  cc_.mov(slot, v);
  x86::Gp version = new_gp(TypeId::kUInt64);
  const x86::Mem counter = absolute(&_pydict_global_version);
  cc_.mov(version, counter);
  cc_.add(version, 1);
  cc_.mov(counter, version);  // DICT_NEXT_VERSION()
  cc_.mov(x86::qword_ptr(dict, offsetof(PyDictObject, ma_version_tag)), version);
  emit_decref(cc_, old, false);  // may run __del__, as the helper's release does
  cold([this, ref, &in, slow, done] {
    cc_.bind(slow);
    after_call(ref, in, invoke_helper(in));
    cc_.jmp(done);
  });
  cc_.bind(done);
}

}  // namespace janus::jit::x64
