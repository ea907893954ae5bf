// The helpers behind Call/CallV ops (jit/runtime.h), the ITER_NEXT sentinel, and the
// JANUS_JIT_FORCE_DEOPT PRNG. Each helper mirrors the tier-0 handler it replaces
// (vm/handlers/*.inc), so a trace and tier 0 compute the same thing.
#include "jit/runtime.h"

#include "jit/cpython.h"
#include "jit/trace.h"
#include "vm/getattr.h"
#include "vm/helpers.h"
#include "vm/vm.h"

namespace janus::jit {

// ---- the exhausted sentinel: a static object nobody else can produce ------------------

namespace {
PyObject g_exhausted = {_PyObject_EXTRA_INIT 1 << 30, &PyBaseObject_Type};
}

PyObject* exhausted_sentinel() { return &g_exhausted; }

// ---- forced deopts: one xorshift64 stream with a fixed seed ---------------------------

namespace {
constexpr uint64_t kForceSeed = 0x9E3779B97F4A7C15ull;
int g_force_period = 0;
uint64_t g_force_state = kForceSeed;
}  // namespace

int force_deopt_period() { return g_force_period; }

void set_force_deopt_period(int period) {
  g_force_period = period < 0 ? 0 : period;
  g_force_state = kForceSeed;
}

bool force_deopt_roll() {
  uint64_t x = g_force_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  g_force_state = x;
  return g_force_period > 0 && x % static_cast<uint64_t>(g_force_period) == 0;
}

bool range_iter_layout_ok() {
  static int ok = -1;
  if (ok >= 0) return ok;
  ok = 0;
  PyObject* range = PyObject_CallFunction(reinterpret_cast<PyObject*>(&PyRange_Type), "iii", 5,
                                          100, 3);
  PyObject* it = range ? PyObject_GetIter(range) : nullptr;
  PyObject* first = it ? PyIter_Next(it) : nullptr;
  if (first != nullptr && Py_TYPE(it) == &PyRangeIter_Type) {
    auto* r = reinterpret_cast<RangeIterLayout*>(it);
    ok = r->index == 1 && r->start == 5 && r->step == 3 && r->len == 32;
  }
  Py_XDECREF(first);
  Py_XDECREF(it);
  Py_XDECREF(range);
  PyErr_Clear();
  return ok;
}

}  // namespace janus::jit

namespace janus::jit::rt {

namespace {

inline PyObject* obj(uint64_t v) { return reinterpret_cast<PyObject*>(v); }
inline uint64_t raw(PyObject* o) { return reinterpret_cast<uint64_t>(o); }
inline double f64(uint64_t v) {
  double d;
  __builtin_memcpy(&d, &v, sizeof d);
  return d;
}
constexpr uint64_t kFail = static_cast<uint64_t>(-1);
inline uint64_t status(int rc) { return rc < 0 ? kFail : static_cast<uint64_t>(rc); }


Py_ssize_t normalize_index(PyObject* seq, int64_t i) {
  return i < 0 ? static_cast<Py_ssize_t>(i) + Py_SIZE(seq) : static_cast<Py_ssize_t>(i);
}

}  // namespace

// ---- guards (1 = pass) --------------------------------------------------------------

uint64_t GUARD_INT64(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  if (!PyLong_CheckExact(obj(a))) return 0;
  int overflow = 0;
  PyLong_AsLongLongAndOverflow(obj(a), &overflow);
  return overflow == 0;
}

uint64_t GUARD_INDEX(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  int64_t i = static_cast<int64_t>(b);
  int64_t n = Py_SIZE(obj(a));
  return i >= -n && i < n;
}

uint64_t GUARD_ITER_NOT_DONE(uint64_t a, uint64_t, uint64_t, int64_t, int64_t aux) {
  if (aux == 1) {
    auto* r = reinterpret_cast<RangeIterLayout*>(obj(a));
    return r->index < r->len;
  }
  auto* it = reinterpret_cast<ListIterLayout*>(obj(a));
  return it->it_seq != nullptr && it->it_index < PyList_GET_SIZE(it->it_seq);
}

uint64_t GUARD_NOT_TRACING(uint64_t, uint64_t, uint64_t, int64_t, int64_t) {
  return _PyThreadState_GET()->cframe->use_tracing == 0;
}

uint64_t GUARD_LEN(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  return Py_SIZE(obj(a)) == imm;
}

// ---- boxing and int64 arithmetic ------------------------------------------------------

uint64_t UNBOX_INT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return static_cast<uint64_t>(PyLong_AsLongLong(obj(a)));
}

uint64_t BOX_INT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return raw(PyLong_FromLongLong(static_cast<int64_t>(a)));
}

uint64_t BOX_FLOAT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return raw(PyFloat_FromDouble(f64(a)));
}

uint64_t FLOORDIV_I64(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) q -= 1;
  return static_cast<uint64_t>(q);
}

uint64_t MOD_I64(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  if (y == -1) return 0;  // INT64_MIN % -1 traps in C; the answer is 0
  int64_t r = x % y;
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return static_cast<uint64_t>(r);
}

// ---- generic object operations ------------------------------------------------------

uint64_t OBJ_BINARY(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  return raw(vm::kBinaryOps[aux](obj(a), obj(b)));
}

uint64_t COMPARE(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  return raw(PyObject_RichCompare(obj(a), obj(b), static_cast<int>(aux)));
}

uint64_t TRUTH(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return status(PyObject_IsTrue(obj(a)));
}

uint64_t UNARY(uint64_t a, uint64_t, uint64_t, int64_t, int64_t aux) {
  switch (aux) {
    case 0: return raw(PyNumber_Negative(obj(a)));
    case 1: return raw(PyNumber_Positive(obj(a)));
    default: return raw(PyNumber_Invert(obj(a)));
  }
}

uint64_t CONTAINS(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  int res = PySequence_Contains(obj(b), obj(a));
  if (res < 0) return kFail;
  return static_cast<uint64_t>(res ^ static_cast<int>(aux));
}

uint64_t GETITEM(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  return raw(PyObject_GetItem(obj(a), obj(b)));
}

uint64_t SETITEM(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  return status(PyObject_SetItem(obj(a), obj(b), obj(c)));
}

uint64_t GETATTR(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  return raw(vm::getattr(obj(a), obj(static_cast<uint64_t>(imm))));
}

uint64_t NEW_SET(const uint64_t* list, int64_t count, uint64_t, int64_t, int64_t) {
  PyObject* set = PySet_New(nullptr);
  if (set == nullptr) return 0;
  for (int64_t i = 0; i < count; i++) {
    if (PySet_Add(set, obj(list[i])) != 0) {
      Py_DECREF(set);
      return 0;
    }
  }
  return raw(set);
}

uint64_t SET_INSERT(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  return status(PySet_Add(obj(a), obj(b)));
}

uint64_t DEL_ATTR(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  return status(PyObject_SetAttr(obj(a), obj(static_cast<uint64_t>(imm)), nullptr));
}

// The frame running the import is the thread's current one (the trace set its instruction).
uint64_t IMPORT_MODULE(uint64_t a, uint64_t b, uint64_t, int64_t imm, int64_t) {
  PyThreadState* tstate = _PyThreadState_GET();
  return raw(vm::import_name(tstate, tstate->cframe->current_frame,
                             obj(static_cast<uint64_t>(imm)), obj(a), obj(b)));
}

uint64_t FROM_IMPORT(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  return raw(vm::import_from(_PyThreadState_GET(), obj(a), obj(static_cast<uint64_t>(imm))));
}

uint64_t MERGE_KWARGS(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  if (_PyDict_MergeEx(obj(a), obj(b), 2) == 0) return 0;
  vm::format_kwargs_error(_PyThreadState_GET(), obj(c), obj(b));
  return static_cast<uint64_t>(-1);
}

uint64_t SETATTR(uint64_t a, uint64_t b, uint64_t, int64_t imm, int64_t) {
  return status(PyObject_SetAttr(obj(a), obj(static_cast<uint64_t>(imm)), obj(b)));
}

// imm: the KW_NAMES tuple naming the trailing arguments (0 = none).
uint64_t OBJ_CALL(const uint64_t* list, int64_t count, uint64_t a, int64_t imm, int64_t) {
  PyObject* kwnames = obj(static_cast<uint64_t>(imm));
  size_t positional = static_cast<size_t>(count) - (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  return raw(PyObject_Vectorcall(obj(a), reinterpret_cast<PyObject* const*>(list), positional,
                                 kwnames));
}

// A direct call of a C function by its METH_* flags: what cfunction_vectorcall_* /
// method_vectorcall_* and PyObject_Vectorcall do once the argument count and the receiver's
// type are known to be right (the recorder checked them; the trace guards the callable's
// PyMethodDef or identity and the receiver's type).
uint64_t CALL_C(const uint64_t* list, int64_t count, uint64_t a, int64_t imm, int64_t aux) {
  PyThreadState* tstate = _PyThreadState_GET();
  auto* def = reinterpret_cast<PyMethodDef*>(imm);
  const bool level = !(aux & kCNoLevel);
  aux &= kCKindMask;
  if (level && _Py_EnterRecursiveCallTstate(tstate, " while calling a Python object")) return 0;
  PyObject* self = obj(list[0]);
  auto* args = reinterpret_cast<PyObject* const*>(list + 1);
  const Py_ssize_t nargs = static_cast<Py_ssize_t>(count) - 1;
  PyObject* result;
  switch (aux) {
    case kCNoArgs:
      result = def->ml_meth(self, nullptr);
      break;
    case kCOne:
      result = def->ml_meth(self, args[0]);
      break;
    case kCFast:
      result = reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(def->ml_meth))(
          self, args, nargs);
      break;
    default:
      result = reinterpret_cast<_PyCFunctionFastWithKeywords>(
          reinterpret_cast<void (*)()>(def->ml_meth))(self, args, nargs, nullptr);
      break;
  }
  if (level) _Py_LeaveRecursiveCallTstate(tstate);
  return raw(_Py_CheckFunctionResult(tstate, obj(a), result, nullptr));
}

uint64_t CODE_WARMUP(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  _PyCode_Warmup(reinterpret_cast<PyCodeObject*>(obj(a)));
  return 0;
}

uint64_t ITER_NEXT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  PyObject* next = (*Py_TYPE(obj(a))->tp_iternext)(obj(a));
  if (next != nullptr) return raw(next);
  if (PyErr_Occurred()) {
    if (!PyErr_ExceptionMatches(PyExc_StopIteration)) return 0;
    PyErr_Clear();
  }
  // A reference of its own, as every kOwned result: the trace releases it like an item.
  return raw(Py_NewRef(exhausted_sentinel()));
}

uint64_t LIST_ITER_NEXT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  auto* it = reinterpret_cast<ListIterLayout*>(obj(a));
  PyObject* item = PyList_GET_ITEM(it->it_seq, it->it_index);
  it->it_index++;
  return raw(Py_NewRef(item));
}

uint64_t RANGE_ITER_NEXT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  auto* r = reinterpret_cast<RangeIterLayout*>(obj(a));
  // As rangeiter_next: unsigned arithmetic so the intermediate cannot overflow.
  long value = static_cast<long>(r->start + static_cast<unsigned long>(r->index++) * r->step);
  return static_cast<uint64_t>(value);
}

uint64_t SEQ_ITEM(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  PyObject* seq = obj(a);
  Py_ssize_t i = normalize_index(seq, static_cast<int64_t>(b));
  PyObject* item = PyList_Check(seq) ? PyList_GET_ITEM(seq, i) : PyTuple_GET_ITEM(seq, i);
  return raw(Py_NewRef(item));
}

uint64_t LIST_STORE(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  PyObject* list = obj(a);
  Py_ssize_t i = normalize_index(list, static_cast<int64_t>(b));
  PyObject* old = PyList_GET_ITEM(list, i);
  PyList_SET_ITEM(list, i, Py_NewRef(obj(c)));
  Py_DECREF(old);
  return 0;
}

uint64_t NEW_LIST(const uint64_t* list, int64_t count, uint64_t, int64_t, int64_t) {
  PyObject* result = PyList_New(count);
  if (result == nullptr) return 0;
  for (int64_t i = 0; i < count; i++) PyList_SET_ITEM(result, i, Py_NewRef(obj(list[i])));
  return raw(result);
}

uint64_t NEW_TUPLE(const uint64_t* list, int64_t count, uint64_t, int64_t, int64_t) {
  PyObject* result = PyTuple_New(count);
  if (result == nullptr) return 0;
  for (int64_t i = 0; i < count; i++) PyTuple_SET_ITEM(result, i, Py_NewRef(obj(list[i])));
  return raw(result);
}

uint64_t APPEND(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  return status(PyList_Append(obj(a), obj(b)));
}

uint64_t CHECK_BREAKER(uint64_t, uint64_t, uint64_t, int64_t, int64_t) {
  PyThreadState* tstate = _PyThreadState_GET();
  if (!_Py_atomic_load_relaxed(&tstate->interp->ceval.eval_breaker)) return 0;
  return status(vm::handle_eval_breaker(tstate));
}

uint64_t NAME_LOAD(uint64_t a, uint64_t b, uint64_t c, int64_t imm, int64_t) {
  PyObject* name = obj(static_cast<uint64_t>(imm));
  for (uint64_t dict : {a, b, c}) {
    PyObject* v = PyDict_GetItemWithError(obj(dict), name);
    if (v != nullptr) return raw(Py_NewRef(v));
    if (PyErr_Occurred()) return 0;
  }
  // Absent: tier 0 re-runs LOAD_NAME and raises. A new reference, as any kOwned result.
  return raw(Py_NewRef(exhausted_sentinel()));
}

uint64_t NAME_STORE(uint64_t a, uint64_t b, uint64_t, int64_t imm, int64_t) {
  return status(PyDict_SetItem(obj(a), obj(static_cast<uint64_t>(imm)), obj(b)));
}

uint64_t CELL_GET(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return raw(Py_XNewRef(PyCell_GET(obj(a))));
}

uint64_t CELL_SET(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  PyObject* old = PyCell_GET(obj(a));
  PyCell_SET(obj(a), Py_NewRef(obj(b)));
  Py_XDECREF(old);
  return 0;
}

// FORMAT_VALUE, as tier 0 runs it.
uint64_t FORMAT(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  PyObject* value = obj(a);
  PyObject* spec = obj(b);
  PyObject* converted = nullptr;
  switch (aux & FVC_MASK) {
    case FVC_STR: converted = PyObject_Str(value); break;
    case FVC_REPR: converted = PyObject_Repr(value); break;
    case FVC_ASCII: converted = PyObject_ASCII(value); break;
    default: converted = Py_NewRef(value); break;
  }
  if (converted == nullptr) return 0;
  if (PyUnicode_CheckExact(converted) && spec == nullptr) return raw(converted);
  PyObject* result = PyObject_Format(converted, spec);
  Py_DECREF(converted);
  return raw(result);
}

uint64_t CONCAT(const uint64_t* list, int64_t count, uint64_t, int64_t, int64_t) {
  PyObject* empty = PyUnicode_New(0, 0);
  if (empty == nullptr) return 0;
  PyObject* result = _PyUnicode_JoinArray(empty, reinterpret_cast<PyObject* const*>(list), count);
  Py_DECREF(empty);
  return raw(result);
}

uint64_t SLICE(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  return raw(PySlice_New(obj(a), obj(b), obj(c)));
}

uint64_t DELITEM(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  return status(PyObject_DelItem(obj(a), obj(b)));
}

uint64_t NEW_DICT(const uint64_t* list, int64_t count, uint64_t, int64_t, int64_t) {
  auto* items = reinterpret_cast<PyObject* const*>(list);
  return raw(_PyDict_FromItems(items, 2, items + 1, 2, count / 2));
}

uint64_t HOLD_GETATTR_FRAME(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  vm::hold_getattr_frame(reinterpret_cast<_PyInterpreterFrame*>(a), obj(b), obj(c));
  return 0;
}

// ---- lookup by op -------------------------------------------------------------------

CallFn call_helper(int op) {
  switch (static_cast<Op>(op)) {
#define JIT_RT_Inline(name)
#define JIT_RT_CallV(name)
#define JIT_RT_Call(name) \
  case Op::name:          \
    return &name;
#define JIT_OP(name, result, operands, lowering, flags) JIT_RT_##lowering(name)
#include "jit/ir.def"
#undef JIT_OP
#undef JIT_RT_Inline
#undef JIT_RT_Call
#undef JIT_RT_CallV
    default:
      return nullptr;
  }
}

CallVFn callv_helper(int op) {
  switch (static_cast<Op>(op)) {
#define JIT_RT_Inline(name)
#define JIT_RT_Call(name)
#define JIT_RT_CallV(name) \
  case Op::name:           \
    return &name;
#define JIT_OP(name, result, operands, lowering, flags) JIT_RT_##lowering(name)
#include "jit/ir.def"
#undef JIT_OP
#undef JIT_RT_Inline
#undef JIT_RT_Call
#undef JIT_RT_CallV
    default:
      return nullptr;
  }
}

}  // namespace janus::jit::rt
