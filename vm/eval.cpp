// The tier-0 dispatch loop: one function, computed goto over a 256-entry table built once
// from vm/opcodes.def and CPython's _PyOpcode_Deopt (so quickened code runs too).
// Semantics follow CPython 3.11's ceval.c instruction by instruction; helpers.h holds the
// out-of-line parts. Python-to-Python calls recurse through PyObject_Vectorcall and the
// PEP 523 hook, as CPython itself does while a hook is installed.
#include "vm/eval.h"

#include "profiles/profile.h"
#include "vm/code_info.h"
#include "vm/helpers.h"
#include "vm/vm.h"

namespace janus::vm {

namespace {

LoopHook g_loop_hook = nullptr;

// Binary operators by BINARY_OP oparg (NB_ADD ... NB_INPLACE_XOR, opcode.h order).
using BinaryFunc = PyObject* (*)(PyObject*, PyObject*);
const BinaryFunc kBinaryOps[] = {
    PyNumber_Add,         PyNumber_And,          PyNumber_FloorDivide,
    PyNumber_Lshift,      PyNumber_MatrixMultiply, PyNumber_Multiply,
    PyNumber_Remainder,   PyNumber_Or,           _PyNumber_PowerNoMod,
    PyNumber_Rshift,      PyNumber_Subtract,     PyNumber_TrueDivide,
    PyNumber_Xor,         PyNumber_InPlaceAdd,   PyNumber_InPlaceAnd,
    PyNumber_InPlaceFloorDivide, PyNumber_InPlaceLshift, PyNumber_InPlaceMatrixMultiply,
    PyNumber_InPlaceMultiply, PyNumber_InPlaceRemainder, PyNumber_InPlaceOr,
    _PyNumber_InPlacePowerNoMod, PyNumber_InPlaceRshift, PyNumber_InPlaceSubtract,
    PyNumber_InPlaceTrueDivide, PyNumber_InPlaceXor,
};
static_assert(sizeof(kBinaryOps) / sizeof(kBinaryOps[0]) == NB_INPLACE_XOR + 1);

}  // namespace

void set_loop_hook(LoopHook hook) { g_loop_hook = hook; }

namespace {

// Python functions called with positional arguments only (defaults allowed, no *args,
// **kwargs or keyword-only parameters) get their frame built here, skipping the generic
// vectorcall and argument binding; other calls return nullptr (error set only on failure)
// and take PyObject_Vectorcall. On success the `nargs` references at `args` are moved into
// the new frame.
_PyInterpreterFrame* push_simple_call(PyThreadState* tstate, PyFunctionObject* func,
                                      PyObject** args, int nargs) {
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  // Without CO_OPTIMIZED (code run as a function from a class body) the frame's locals are
  // its globals: CPython's generic path handles that.
  if ((code->co_flags & (CO_VARARGS | CO_VARKEYWORDS)) || !(code->co_flags & CO_OPTIMIZED) ||
      code->co_kwonlyargcount != 0 || nargs > code->co_argcount) {
    return nullptr;
  }
  int missing = code->co_argcount - nargs;
  PyObject* defaults = func->func_defaults;
  Py_ssize_t ndefaults = defaults != nullptr ? PyTuple_GET_SIZE(defaults) : 0;
  if (missing > ndefaults) return nullptr;  // the generic path raises the TypeError
  size_t size = code->co_nlocalsplus + code->co_stacksize + FRAME_SPECIALS_SIZE;
  _PyInterpreterFrame* frame = _PyThreadState_BumpFramePointer(tstate, size);
  if (frame == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  Py_INCREF(func);
  _PyFrame_InitializeSpecials(frame, func, nullptr, code->co_nlocalsplus);
  PyObject** locals = frame->localsplus;
  for (int i = 0; i < nargs; i++) locals[i] = args[i];
  for (int i = 0; i < missing; i++) {
    locals[nargs + i] = Py_NewRef(PyTuple_GET_ITEM(defaults, ndefaults - missing + i));
  }
  for (int i = code->co_argcount; i < code->co_nlocalsplus; i++) locals[i] = nullptr;
  return frame;
}

// Releases a frame pushed by push_simple_call once it has been evaluated, as CPython does.
void pop_call(PyThreadState* tstate, _PyInterpreterFrame* frame) {
  // _PyFrame_Clear may run finalizers: keep one recursion slot for them.
  tstate->recursion_remaining--;
  _PyFrame_Clear(frame);
  tstate->recursion_remaining++;
  _PyThreadState_PopFrame(tstate, frame);
}

}  // namespace

// Evaluates `frame` from frame->prev_instr + 1 with the value stack frame->stacktop holds.
// Entered for new frames, resumed generators (throwflag: gen.throw) and OSR exits alike.
PyObject* run_frame(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                    CodeInfo* info) {
  static void* dispatch_table[256];
  static bool dispatch_ready = false;
  if (__builtin_expect(!dispatch_ready, 0)) {
    // No local table here: a 2 KB array would sit in every frame of this (recursive) loop.
    for (void*& label : dispatch_table) label = &&op_unknown;
#define VM_OPCODE(name) dispatch_table[name] = &&op_##name;
#include "vm/opcodes.def"
#undef VM_OPCODE
    // Specialized/adaptive forms run their base instruction's handler by default.
    for (int i = 1; i < 256; i++) {
      int base = _PyOpcode_Deopt[i];
      if (base != 0 && base != i) dispatch_table[i] = dispatch_table[base];
    }
    dispatch_table[0] = &&op_unknown;  // CACHE is never executed
    // Adaptive forms run CPython's specializer when their counter expires, so the code
    // carries the same specialized instructions (and inline caches) as under CPython.
#define VM_ADAPTIVE(name) dispatch_table[name##_ADAPTIVE] = &&op_##name##_ADAPTIVE;
    VM_ADAPTIVE(LOAD_ATTR)
    VM_ADAPTIVE(LOAD_METHOD)
    VM_ADAPTIVE(LOAD_GLOBAL)
    VM_ADAPTIVE(STORE_ATTR)
    VM_ADAPTIVE(BINARY_SUBSCR)
    VM_ADAPTIVE(STORE_SUBSCR)
    VM_ADAPTIVE(BINARY_OP)
    VM_ADAPTIVE(COMPARE_OP)
    VM_ADAPTIVE(UNPACK_SEQUENCE)
    VM_ADAPTIVE(PRECALL)
    VM_ADAPTIVE(CALL)
#undef VM_ADAPTIVE
    // Specialized forms with their own fast paths (the others run their generic handler).
#define VM_SPECIALIZED(name) dispatch_table[name] = &&op_##name;
    VM_SPECIALIZED(LOAD_GLOBAL_MODULE)
    VM_SPECIALIZED(LOAD_GLOBAL_BUILTIN)
    VM_SPECIALIZED(LOAD_ATTR_INSTANCE_VALUE)
    VM_SPECIALIZED(STORE_ATTR_INSTANCE_VALUE)
    VM_SPECIALIZED(LOAD_METHOD_WITH_VALUES)
    VM_SPECIALIZED(LOAD_METHOD_NO_DICT)
    VM_SPECIALIZED(BINARY_OP_ADD_INT)
    VM_SPECIALIZED(BINARY_OP_SUBTRACT_INT)
    VM_SPECIALIZED(BINARY_OP_MULTIPLY_INT)
    VM_SPECIALIZED(BINARY_OP_ADD_FLOAT)
    VM_SPECIALIZED(BINARY_OP_SUBTRACT_FLOAT)
    VM_SPECIALIZED(BINARY_OP_MULTIPLY_FLOAT)
    VM_SPECIALIZED(COMPARE_OP_INT_JUMP)
    VM_SPECIALIZED(COMPARE_OP_FLOAT_JUMP)
    VM_SPECIALIZED(LOAD_FAST__LOAD_FAST)
    VM_SPECIALIZED(LOAD_FAST__LOAD_CONST)
    VM_SPECIALIZED(STORE_FAST__LOAD_FAST)
    VM_SPECIALIZED(STORE_FAST__STORE_FAST)
    VM_SPECIALIZED(LOAD_CONST__LOAD_FAST)
    VM_SPECIALIZED(BINARY_SUBSCR_LIST_INT)
    VM_SPECIALIZED(BINARY_SUBSCR_TUPLE_INT)
    VM_SPECIALIZED(BINARY_SUBSCR_DICT)
    VM_SPECIALIZED(STORE_SUBSCR_LIST_INT)
    VM_SPECIALIZED(STORE_SUBSCR_DICT)
    VM_SPECIALIZED(BINARY_OP_ADD_UNICODE)
    VM_SPECIALIZED(PRECALL_NO_KW_LEN)
    VM_SPECIALIZED(PRECALL_NO_KW_ISINSTANCE)
    VM_SPECIALIZED(PRECALL_NO_KW_LIST_APPEND)
    VM_SPECIALIZED(PRECALL_NO_KW_BUILTIN_O)
    VM_SPECIALIZED(PRECALL_NO_KW_BUILTIN_FAST)
    VM_SPECIALIZED(PRECALL_NO_KW_METHOD_DESCRIPTOR_O)
    VM_SPECIALIZED(PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST)
    VM_SPECIALIZED(PRECALL_NO_KW_STR_1)
    VM_SPECIALIZED(PRECALL_NO_KW_TYPE_1)
#undef VM_SPECIALIZED
    dispatch_ready = true;
  }

  // Every variable the labels below use is declared here: C++ forbids jumping past
  // initializations.
  _PyCFrame cframe;
  _PyCFrame* prev_cframe = tstate->cframe;
  PyCodeObject* co = frame->f_code;
  _Py_CODEUNIT* first_instr = _PyCode_CODE(co);
  _Py_CODEUNIT* next_instr;
  PyObject** stack_pointer;
  PyObject* names = co->co_names;
  PyObject* consts = co->co_consts;
  PyObject* kwnames = nullptr;  // borrowed from co_consts by KW_NAMES, used by CALL
  PyObject* retval = nullptr;
  profiles::CodeProfile* profile = info->profile;
  int opcode;
  int oparg;

  cframe.use_tracing = prev_cframe->use_tracing;
  cframe.previous = prev_cframe;
  tstate->cframe = &cframe;
  frame->is_entry = true;
  frame->previous = prev_cframe->current_frame;
  cframe.current_frame = frame;

  if (_Py_EnterRecursiveCallTstate(tstate, "")) {
    tstate->recursion_remaining--;
    goto exit_unwind;
  }

  next_instr = frame->prev_instr + 1;
  stack_pointer = _PyFrame_GetStackPointer(frame);
  // While the frame runs its stack is private: the GC must not see half-built values.
  frame->stacktop = -1;
  if (throwflag) goto error;

#define TARGET(op) op_##op : frame->prev_instr = next_instr++;
#define DISPATCH()                         \
  {                                        \
    opcode = _Py_OPCODE(*next_instr);      \
    oparg = _Py_OPARG(*next_instr);        \
    goto* dispatch_table[opcode];          \
  }
#define INSTR_OFFSET() ((int)(next_instr - first_instr))
#define JUMPBY(x) (next_instr += (x))
#define JUMPTO(x) (next_instr = first_instr + (x))
#define TOP() (stack_pointer[-1])
#define SECOND() (stack_pointer[-2])
#define THIRD() (stack_pointer[-3])
#define PEEK(n) (stack_pointer[-(n)])
#define SET_TOP(v) (stack_pointer[-1] = (v))
#define SET_SECOND(v) (stack_pointer[-2] = (v))
#define PUSH(v) (*stack_pointer++ = (v))
#define POP() (*--stack_pointer)
#define STACK_SHRINK(n) (stack_pointer -= (n))
#define STACK_GROW(n) (stack_pointer += (n))
#define STACK_LEVEL() ((int)(stack_pointer - _PyFrame_Stackbase(frame)))
#define GETLOCAL(i) (frame->localsplus[i])
#define SETLOCAL(i, value)             \
  do {                                 \
    PyObject* tmp_ = GETLOCAL(i);      \
    GETLOCAL(i) = (value);             \
    Py_XDECREF(tmp_);                  \
  } while (0)
#define GLOBALS() (frame->f_globals)
#define BUILTINS() (frame->f_builtins)
#define LOCALS() (frame->f_locals)
#define CHECK_EVAL_BREAKER()                                              \
  if (_Py_atomic_load_relaxed(&tstate->interp->ceval.eval_breaker)) { \
    if (handle_eval_breaker(tstate) != 0) goto error;                    \
  }
#define SITE() (profile->site((int)(frame->prev_instr - first_instr)))
#define PROFILE_TYPES(a, b)                            \
  if (profile) {                                       \
    profiles::Site* site_ = SITE();                    \
    site_->count++;                                    \
    site_->operands[0].record(a);                      \
    if (b) site_->operands[1].record(b);               \
  }
#define PROFILE_BRANCH(jumped)                                 \
  if (profile) {                                               \
    profiles::Site* site_ = SITE();                            \
    site_->count++;                                            \
    if (jumped) site_->taken++; else site_->not_taken++;       \
  }

  DISPATCH();

  // ---------------------------------------------------------------------------------------
  // Stack, locals and constants.

  TARGET(NOP) { DISPATCH(); }

  TARGET(RESUME) {
    _PyCode_Warmup(co);
    if (oparg < 2) CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(LOAD_FAST) {
    PyObject* value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    Py_INCREF(value);
    PUSH(value);
    DISPATCH();
  }

  TARGET(LOAD_CONST) {
    PyObject* value = PyTuple_GET_ITEM(consts, oparg);
    Py_INCREF(value);
    PUSH(value);
    DISPATCH();
  }

  TARGET(STORE_FAST) {
    PyObject* value = POP();
    SETLOCAL(oparg, value);
    DISPATCH();
  }

  TARGET(DELETE_FAST) {
    if (GETLOCAL(oparg) == nullptr) goto unbound_local_error;
    SETLOCAL(oparg, nullptr);
    DISPATCH();
  }

  TARGET(POP_TOP) {
    PyObject* value = POP();
    Py_DECREF(value);
    DISPATCH();
  }

  TARGET(PUSH_NULL) {
    PUSH(nullptr);
    DISPATCH();
  }

  TARGET(COPY) {
    PyObject* peek = PEEK(oparg);
    Py_INCREF(peek);
    PUSH(peek);
    DISPATCH();
  }

  TARGET(SWAP) {
    PyObject* top = TOP();
    SET_TOP(PEEK(oparg));
    PEEK(oparg) = top;
    DISPATCH();
  }

  TARGET(EXTENDED_ARG) {
    int high = oparg;
    opcode = _Py_OPCODE(*next_instr);
    oparg = (high << 8) | _Py_OPARG(*next_instr);
    goto* dispatch_table[opcode];
  }

  // ---------------------------------------------------------------------------------------
  // Operators.

  TARGET(UNARY_POSITIVE) {
    PyObject* value = TOP();
    PyObject* res = PyNumber_Positive(value);
    Py_DECREF(value);
    SET_TOP(res);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(UNARY_NEGATIVE) {
    PyObject* value = TOP();
    PyObject* res = PyNumber_Negative(value);
    Py_DECREF(value);
    SET_TOP(res);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(UNARY_NOT) {
    PyObject* value = TOP();
    int err = PyObject_IsTrue(value);
    Py_DECREF(value);
    if (err == 0) {
      SET_TOP(Py_NewRef(Py_True));
    } else if (err > 0) {
      SET_TOP(Py_NewRef(Py_False));
    } else {
      STACK_SHRINK(1);
      goto error;
    }
    DISPATCH();
  }

  TARGET(UNARY_INVERT) {
    PyObject* value = TOP();
    PyObject* res = PyNumber_Invert(value);
    Py_DECREF(value);
    SET_TOP(res);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(BINARY_OP) {
    PyObject* rhs = POP();
    PyObject* lhs = TOP();
    PROFILE_TYPES(lhs, rhs);
    PyObject* res = kBinaryOps[oparg](lhs, rhs);
    Py_DECREF(lhs);
    Py_DECREF(rhs);
    SET_TOP(res);
    if (res == nullptr) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_OP);
    DISPATCH();
  }

  TARGET(COMPARE_OP) {
    PyObject* right = POP();
    PyObject* left = TOP();
    PROFILE_TYPES(left, right);
    PyObject* res = PyObject_RichCompare(left, right, oparg);
    SET_TOP(res);
    Py_DECREF(left);
    Py_DECREF(right);
    if (res == nullptr) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_COMPARE_OP);
    DISPATCH();
  }

  TARGET(IS_OP) {
    PyObject* right = POP();
    PyObject* left = TOP();
    int res = (left == right) ^ oparg;
    SET_TOP(Py_NewRef(res ? Py_True : Py_False));
    Py_DECREF(left);
    Py_DECREF(right);
    DISPATCH();
  }

  TARGET(CONTAINS_OP) {
    PyObject* right = POP();
    PyObject* left = POP();
    int res = PySequence_Contains(right, left);
    Py_DECREF(left);
    Py_DECREF(right);
    if (res < 0) goto error;
    PUSH(Py_NewRef((res ^ oparg) ? Py_True : Py_False));
    DISPATCH();
  }

  TARGET(BINARY_SUBSCR) {
    PyObject* sub = POP();
    PyObject* container = TOP();
    PyObject* res = PyObject_GetItem(container, sub);
    Py_DECREF(container);
    Py_DECREF(sub);
    SET_TOP(res);
    if (res == nullptr) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_SUBSCR);
    DISPATCH();
  }

  TARGET(STORE_SUBSCR) {
    PyObject* sub = TOP();
    PyObject* container = SECOND();
    PyObject* v = THIRD();
    STACK_SHRINK(3);
    int err = PyObject_SetItem(container, sub, v);
    Py_DECREF(v);
    Py_DECREF(container);
    Py_DECREF(sub);
    if (err != 0) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_STORE_SUBSCR);
    DISPATCH();
  }

  TARGET(DELETE_SUBSCR) {
    PyObject* sub = TOP();
    PyObject* container = SECOND();
    STACK_SHRINK(2);
    int err = PyObject_DelItem(container, sub);
    Py_DECREF(container);
    Py_DECREF(sub);
    if (err != 0) goto error;
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Names: globals, builtins, class/module namespaces, cells.

  TARGET(LOAD_GLOBAL) {
    int push_null = oparg & 1;
    PyObject* name = PyTuple_GET_ITEM(names, oparg >> 1);
    PyObject* v;
    if (PyDict_CheckExact(GLOBALS()) && PyDict_CheckExact(BUILTINS())) {
      v = _PyDict_LoadGlobal(reinterpret_cast<PyDictObject*>(GLOBALS()),
                             reinterpret_cast<PyDictObject*>(BUILTINS()), name);
      if (v == nullptr) {
        if (!_PyErr_Occurred(tstate)) {
          format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
        }
        goto error;
      }
      Py_INCREF(v);
    } else {
      v = PyObject_GetItem(GLOBALS(), name);
      if (v == nullptr) {
        if (!_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) goto error;
        _PyErr_Clear(tstate);
        v = PyObject_GetItem(BUILTINS(), name);
        if (v == nullptr) {
          if (_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) {
            format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
          }
          goto error;
        }
      }
    }
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_GLOBAL);
    if (push_null) PUSH(nullptr);
    PUSH(v);
    DISPATCH();
  }

  TARGET(STORE_GLOBAL) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* v = POP();
    int err = PyDict_SetItem(GLOBALS(), name, v);
    Py_DECREF(v);
    if (err != 0) goto error;
    DISPATCH();
  }

  TARGET(DELETE_GLOBAL) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    int err = PyDict_DelItem(GLOBALS(), name);
    if (err != 0) {
      if (_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) {
        format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
      }
      goto error;
    }
    DISPATCH();
  }

  TARGET(LOAD_NAME) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* locals = LOCALS();
    PyObject* v;
    if (locals == nullptr) {
      _PyErr_Format(tstate, PyExc_SystemError, "no locals when loading %R", name);
      goto error;
    }
    if (PyDict_CheckExact(locals)) {
      v = PyDict_GetItemWithError(locals, name);
      if (v != nullptr) {
        Py_INCREF(v);
      } else if (_PyErr_Occurred(tstate)) {
        goto error;
      }
    } else {
      v = PyObject_GetItem(locals, name);
      if (v == nullptr) {
        if (!_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) goto error;
        _PyErr_Clear(tstate);
      }
    }
    if (v == nullptr) {
      v = PyDict_GetItemWithError(GLOBALS(), name);
      if (v != nullptr) {
        Py_INCREF(v);
      } else if (_PyErr_Occurred(tstate)) {
        goto error;
      } else if (PyDict_CheckExact(BUILTINS())) {
        v = PyDict_GetItemWithError(BUILTINS(), name);
        if (v == nullptr) {
          if (!_PyErr_Occurred(tstate)) {
            format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
          }
          goto error;
        }
        Py_INCREF(v);
      } else {
        v = PyObject_GetItem(BUILTINS(), name);
        if (v == nullptr) {
          if (_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) {
            format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
          }
          goto error;
        }
      }
    }
    PUSH(v);
    DISPATCH();
  }

  TARGET(STORE_NAME) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* v = POP();
    PyObject* ns = LOCALS();
    int err;
    if (ns == nullptr) {
      _PyErr_Format(tstate, PyExc_SystemError, "no locals found when storing %R", name);
      Py_DECREF(v);
      goto error;
    }
    if (PyDict_CheckExact(ns)) {
      err = PyDict_SetItem(ns, name, v);
    } else {
      err = PyObject_SetItem(ns, name, v);
    }
    Py_DECREF(v);
    if (err != 0) goto error;
    DISPATCH();
  }

  TARGET(DELETE_NAME) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* ns = LOCALS();
    if (ns == nullptr) {
      _PyErr_Format(tstate, PyExc_SystemError, "no locals when deleting %R", name);
      goto error;
    }
    if (PyObject_DelItem(ns, name) != 0) {
      format_exc_check_arg(tstate, PyExc_NameError, kNameErrorMsg, name);
      goto error;
    }
    DISPATCH();
  }

  TARGET(MAKE_CELL) {
    // The initial value is usually NULL, but not for an argument captured by a closure.
    PyObject* initial = GETLOCAL(oparg);
    PyObject* cell = PyCell_New(initial);
    if (cell == nullptr) goto error;
    SETLOCAL(oparg, cell);
    DISPATCH();
  }

  TARGET(COPY_FREE_VARS) {
    PyObject* closure = frame->f_func->func_closure;
    int offset = co->co_nlocals + co->co_nplaincellvars;
    for (int i = 0; i < oparg; ++i) {
      PyObject* o = PyTuple_GET_ITEM(closure, i);
      Py_INCREF(o);
      frame->localsplus[offset + i] = o;
    }
    DISPATCH();
  }

  TARGET(LOAD_CLOSURE) {
    PyObject* value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    Py_INCREF(value);
    PUSH(value);
    DISPATCH();
  }

  TARGET(LOAD_DEREF) {
    PyObject* cell = GETLOCAL(oparg);
    PyObject* value = PyCell_GET(cell);
    if (value == nullptr) {
      format_exc_unbound(tstate, co, oparg);
      goto error;
    }
    Py_INCREF(value);
    PUSH(value);
    DISPATCH();
  }

  TARGET(STORE_DEREF) {
    PyObject* v = POP();
    PyObject* cell = GETLOCAL(oparg);
    PyObject* oldobj = PyCell_GET(cell);
    PyCell_SET(cell, v);
    Py_XDECREF(oldobj);
    DISPATCH();
  }

  TARGET(DELETE_DEREF) {
    PyObject* cell = GETLOCAL(oparg);
    PyObject* oldobj = PyCell_GET(cell);
    if (oldobj == nullptr) {
      format_exc_unbound(tstate, co, oparg);
      goto error;
    }
    PyCell_SET(cell, nullptr);
    Py_DECREF(oldobj);
    DISPATCH();
  }

  TARGET(LOAD_CLASSDEREF) {
    PyObject* name = PyTuple_GET_ITEM(co->co_localsplusnames, oparg);
    PyObject* locals = LOCALS();
    PyObject* value;
    if (PyDict_CheckExact(locals)) {
      value = PyDict_GetItemWithError(locals, name);
      if (value != nullptr) {
        Py_INCREF(value);
      } else if (_PyErr_Occurred(tstate)) {
        goto error;
      }
    } else {
      value = PyObject_GetItem(locals, name);
      if (value == nullptr) {
        if (!_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) goto error;
        _PyErr_Clear(tstate);
      }
    }
    if (value == nullptr) {
      PyObject* cell = GETLOCAL(oparg);
      value = PyCell_GET(cell);
      if (value == nullptr) {
        format_exc_unbound(tstate, co, oparg);
        goto error;
      }
      Py_INCREF(value);
    }
    PUSH(value);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Attributes.

  TARGET(LOAD_ATTR) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* owner = TOP();
    PROFILE_TYPES(owner, nullptr);
    PyObject* res = PyObject_GetAttr(owner, name);
    if (res == nullptr) goto error;
    Py_DECREF(owner);
    SET_TOP(res);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_ATTR);
    DISPATCH();
  }

  TARGET(LOAD_METHOD) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* obj = TOP();
    PyObject* meth = nullptr;
    PROFILE_TYPES(obj, nullptr);
    int meth_found = _PyObject_GetMethod(obj, name, &meth);
    if (meth == nullptr) goto error;
    if (meth_found) {
      // [method, self]: CALL passes self as the first argument.
      SET_TOP(meth);
      PUSH(obj);
    } else {
      // [NULL, bound attribute]
      SET_TOP(nullptr);
      Py_DECREF(obj);
      PUSH(meth);
    }
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_METHOD);
    DISPATCH();
  }

  TARGET(STORE_ATTR) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* owner = TOP();
    PyObject* v = SECOND();
    PROFILE_TYPES(owner, nullptr);
    STACK_SHRINK(2);
    int err = PyObject_SetAttr(owner, name, v);
    Py_DECREF(v);
    Py_DECREF(owner);
    if (err != 0) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_STORE_ATTR);
    DISPATCH();
  }

  TARGET(DELETE_ATTR) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* owner = POP();
    int err = PyObject_SetAttr(owner, name, nullptr);
    Py_DECREF(owner);
    if (err != 0) goto error;
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Building containers and strings.

  TARGET(BUILD_TUPLE) {
    PyObject* tup = _PyTuple_FromArraySteal(stack_pointer - oparg, oparg);
    if (tup == nullptr) goto error;
    STACK_SHRINK(oparg);
    PUSH(tup);
    DISPATCH();
  }

  TARGET(BUILD_LIST) {
    PyObject* list = PyList_New(oparg);
    if (list == nullptr) goto error;
    while (--oparg >= 0) PyList_SET_ITEM(list, oparg, POP());
    PUSH(list);
    DISPATCH();
  }

  TARGET(BUILD_SET) {
    PyObject* set = PySet_New(nullptr);
    int err = 0;
    if (set == nullptr) goto error;
    for (int i = oparg; i > 0; i--) {
      PyObject* item = PEEK(i);
      if (err == 0) err = PySet_Add(set, item);
      Py_DECREF(item);
    }
    STACK_SHRINK(oparg);
    if (err != 0) {
      Py_DECREF(set);
      goto error;
    }
    PUSH(set);
    DISPATCH();
  }

  TARGET(BUILD_MAP) {
    PyObject* map = _PyDict_FromItems(&PEEK(2 * oparg), 2, &PEEK(2 * oparg - 1), 2, oparg);
    if (map == nullptr) goto error;
    while (oparg--) {
      Py_DECREF(POP());
      Py_DECREF(POP());
    }
    PUSH(map);
    DISPATCH();
  }

  TARGET(BUILD_CONST_KEY_MAP) {
    PyObject* keys = TOP();
    if (!PyTuple_CheckExact(keys) || PyTuple_GET_SIZE(keys) != (Py_ssize_t)oparg) {
      _PyErr_SetString(tstate, PyExc_SystemError, "bad BUILD_CONST_KEY_MAP keys argument");
      goto error;
    }
    PyObject* map = _PyDict_FromItems(&PyTuple_GET_ITEM(keys, 0), 1, &PEEK(oparg + 1), 1, oparg);
    if (map == nullptr) goto error;
    Py_DECREF(POP());
    while (oparg--) Py_DECREF(POP());
    PUSH(map);
    DISPATCH();
  }

  TARGET(BUILD_STRING) {
    PyObject* empty = PyUnicode_New(0, 0);
    if (empty == nullptr) goto error;
    PyObject* str = _PyUnicode_JoinArray(empty, stack_pointer - oparg, oparg);
    Py_DECREF(empty);
    if (str == nullptr) goto error;
    while (--oparg >= 0) Py_DECREF(POP());
    PUSH(str);
    DISPATCH();
  }

  TARGET(BUILD_SLICE) {
    PyObject* step = oparg == 3 ? POP() : nullptr;
    PyObject* stop = POP();
    PyObject* start = TOP();
    PyObject* slice = PySlice_New(start, stop, step);
    Py_DECREF(start);
    Py_DECREF(stop);
    Py_XDECREF(step);
    SET_TOP(slice);
    if (slice == nullptr) goto error;
    DISPATCH();
  }

  TARGET(LIST_APPEND) {
    PyObject* v = POP();
    PyObject* list = PEEK(oparg);
    if (_PyList_AppendTakeRef(reinterpret_cast<PyListObject*>(list), v) < 0) goto error;
    DISPATCH();
  }

  TARGET(SET_ADD) {
    PyObject* v = POP();
    PyObject* set = PEEK(oparg);
    int err = PySet_Add(set, v);
    Py_DECREF(v);
    if (err != 0) goto error;
    DISPATCH();
  }

  TARGET(MAP_ADD) {
    PyObject* value = TOP();
    PyObject* key = SECOND();
    STACK_SHRINK(2);
    PyObject* map = PEEK(oparg);
    // Steals key and value.
    if (_PyDict_SetItem_Take2(reinterpret_cast<PyDictObject*>(map), key, value) != 0) goto error;
    DISPATCH();
  }

  TARGET(LIST_EXTEND) {
    PyObject* iterable = POP();
    PyObject* list = PEEK(oparg);
    PyObject* none_val = _PyList_Extend(reinterpret_cast<PyListObject*>(list), iterable);
    if (none_val == nullptr) {
      if (_PyErr_ExceptionMatches(tstate, PyExc_TypeError) &&
          (Py_TYPE(iterable)->tp_iter == nullptr && !PySequence_Check(iterable))) {
        _PyErr_Clear(tstate);
        _PyErr_Format(tstate, PyExc_TypeError, "Value after * must be an iterable, not %.200s",
                      Py_TYPE(iterable)->tp_name);
      }
      Py_DECREF(iterable);
      goto error;
    }
    Py_DECREF(none_val);
    Py_DECREF(iterable);
    DISPATCH();
  }

  TARGET(SET_UPDATE) {
    PyObject* iterable = POP();
    PyObject* set = PEEK(oparg);
    int err = _PySet_Update(set, iterable);
    Py_DECREF(iterable);
    if (err < 0) goto error;
    DISPATCH();
  }

  TARGET(DICT_UPDATE) {
    PyObject* update = POP();
    PyObject* dict = PEEK(oparg);
    if (PyDict_Update(dict, update) < 0) {
      if (_PyErr_ExceptionMatches(tstate, PyExc_AttributeError)) {
        _PyErr_Format(tstate, PyExc_TypeError, "'%.200s' object is not a mapping",
                      Py_TYPE(update)->tp_name);
      }
      Py_DECREF(update);
      goto error;
    }
    Py_DECREF(update);
    DISPATCH();
  }

  TARGET(DICT_MERGE) {
    PyObject* update = POP();
    PyObject* dict = PEEK(oparg);
    if (_PyDict_MergeEx(dict, update, 2) < 0) {
      format_kwargs_error(tstate, PEEK(2 + oparg), update);
      Py_DECREF(update);
      goto error;
    }
    Py_DECREF(update);
    DISPATCH();
  }

  TARGET(LIST_TO_TUPLE) {
    PyObject* list = POP();
    PyObject* tuple = PyList_AsTuple(list);
    Py_DECREF(list);
    if (tuple == nullptr) goto error;
    PUSH(tuple);
    DISPATCH();
  }

  TARGET(FORMAT_VALUE) {
    PyObject* fmt_spec = ((oparg & FVS_MASK) == FVS_HAVE_SPEC) ? POP() : nullptr;
    PyObject* value = POP();
    PyObject* (*conv_fn)(PyObject*) = nullptr;
    switch (oparg & FVC_MASK) {
      case FVC_NONE: break;
      case FVC_STR: conv_fn = PyObject_Str; break;
      case FVC_REPR: conv_fn = PyObject_Repr; break;
      case FVC_ASCII: conv_fn = PyObject_ASCII; break;
      default:
        _PyErr_Format(tstate, PyExc_SystemError, "unexpected conversion flag %d", oparg & FVC_MASK);
        Py_DECREF(value);
        Py_XDECREF(fmt_spec);
        goto error;
    }
    if (conv_fn != nullptr) {
      PyObject* converted = conv_fn(value);
      Py_DECREF(value);
      if (converted == nullptr) {
        Py_XDECREF(fmt_spec);
        goto error;
      }
      value = converted;
    }
    PyObject* result;
    if (PyUnicode_CheckExact(value) && fmt_spec == nullptr) {
      result = value;
    } else {
      result = PyObject_Format(value, fmt_spec);
      Py_DECREF(value);
      Py_XDECREF(fmt_spec);
      if (result == nullptr) goto error;
    }
    PUSH(result);
    DISPATCH();
  }

  TARGET(UNPACK_SEQUENCE) {
    PyObject* seq = POP();
    if (PyTuple_CheckExact(seq) && PyTuple_GET_SIZE(seq) == oparg) {
      PyObject** items = _PyTuple_ITEMS(seq);
      while (oparg--) PUSH(Py_NewRef(items[oparg]));
    } else if (PyList_CheckExact(seq) && PyList_GET_SIZE(seq) == oparg) {
      PyObject** items = _PyList_ITEMS(seq);
      while (oparg--) PUSH(Py_NewRef(items[oparg]));
    } else {
      if (!unpack_iterable(tstate, seq, oparg, -1, stack_pointer + oparg)) {
        Py_DECREF(seq);
        goto error;
      }
      STACK_GROW(oparg);
    }
    Py_DECREF(seq);
    JUMPBY(INLINE_CACHE_ENTRIES_UNPACK_SEQUENCE);
    DISPATCH();
  }

  TARGET(UNPACK_EX) {
    int totalargs = 1 + (oparg & 0xFF) + (oparg >> 8);
    PyObject* seq = POP();
    if (!unpack_iterable(tstate, seq, oparg & 0xFF, oparg >> 8, stack_pointer + totalargs)) {
      Py_DECREF(seq);
      goto error;
    }
    STACK_GROW(totalargs);
    Py_DECREF(seq);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Jumps. Offsets are relative to the next instruction; backward jumps check the eval
  // breaker and count loop iterations (the OSR entry point).

  TARGET(JUMP_FORWARD) {
    JUMPBY(oparg);
    DISPATCH();
  }

  TARGET(JUMP_BACKWARD) {
    _PyCode_Warmup(co);
    JUMPBY(-oparg);
    if (profile) {
      profiles::Site* loop = SITE();
      if (++loop->count % profiles::settings().hot_loop == 0) {
        if (loop->count == profiles::settings().hot_loop) profiles::report_hot_loop(profile, loop);
        if (g_loop_hook != nullptr &&
            g_loop_hook(tstate, frame, INSTR_OFFSET(), stack_pointer) != 0) {
          goto error;
        }
      }
    }
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(JUMP_BACKWARD_NO_INTERRUPT) {
    JUMPBY(-oparg);
    DISPATCH();
  }

#define POP_JUMP_IF_BOOL(sense, distance)             \
  {                                                   \
    PyObject* cond = POP();                           \
    int jump;                                         \
    if (Py_IsTrue(cond)) {                            \
      jump = (sense);                                 \
    } else if (Py_IsFalse(cond)) {                    \
      jump = !(sense);                                \
    } else {                                          \
      int err = PyObject_IsTrue(cond);                \
      Py_DECREF(cond);                                \
      if (err < 0) goto error;                        \
      jump = (err > 0) == (sense);                    \
      PROFILE_BRANCH(jump);                           \
      if (jump) JUMPBY(distance);                     \
      DISPATCH();                                     \
    }                                                 \
    _Py_DECREF_NO_DEALLOC(cond);                      \
    PROFILE_BRANCH(jump);                             \
    if (jump) JUMPBY(distance);                       \
  }

  TARGET(POP_JUMP_FORWARD_IF_FALSE) {
    POP_JUMP_IF_BOOL(0, oparg);
    DISPATCH();
  }

  TARGET(POP_JUMP_FORWARD_IF_TRUE) {
    POP_JUMP_IF_BOOL(1, oparg);
    DISPATCH();
  }

  TARGET(POP_JUMP_BACKWARD_IF_FALSE) {
    POP_JUMP_IF_BOOL(0, -oparg);
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(POP_JUMP_BACKWARD_IF_TRUE) {
    POP_JUMP_IF_BOOL(1, -oparg);
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(POP_JUMP_FORWARD_IF_NONE) {
    PyObject* value = POP();
    int jump = Py_IsNone(value);
    Py_DECREF(value);
    PROFILE_BRANCH(jump);
    if (jump) JUMPBY(oparg);
    DISPATCH();
  }

  TARGET(POP_JUMP_FORWARD_IF_NOT_NONE) {
    PyObject* value = POP();
    int jump = !Py_IsNone(value);
    Py_DECREF(value);
    PROFILE_BRANCH(jump);
    if (jump) JUMPBY(oparg);
    DISPATCH();
  }

  TARGET(POP_JUMP_BACKWARD_IF_NONE) {
    PyObject* value = POP();
    int jump = Py_IsNone(value);
    Py_DECREF(value);
    PROFILE_BRANCH(jump);
    if (jump) JUMPBY(-oparg);
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(POP_JUMP_BACKWARD_IF_NOT_NONE) {
    PyObject* value = POP();
    int jump = !Py_IsNone(value);
    Py_DECREF(value);
    PROFILE_BRANCH(jump);
    if (jump) JUMPBY(-oparg);
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(JUMP_IF_FALSE_OR_POP) {
    PyObject* cond = TOP();
    int err;
    if (Py_IsTrue(cond)) {
      STACK_SHRINK(1);
      _Py_DECREF_NO_DEALLOC(cond);
      DISPATCH();
    }
    if (Py_IsFalse(cond)) {
      JUMPBY(oparg);
      DISPATCH();
    }
    err = PyObject_IsTrue(cond);
    if (err > 0) {
      STACK_SHRINK(1);
      Py_DECREF(cond);
    } else if (err == 0) {
      JUMPBY(oparg);
    } else {
      goto error;
    }
    DISPATCH();
  }

  TARGET(JUMP_IF_TRUE_OR_POP) {
    PyObject* cond = TOP();
    int err;
    if (Py_IsFalse(cond)) {
      STACK_SHRINK(1);
      _Py_DECREF_NO_DEALLOC(cond);
      DISPATCH();
    }
    if (Py_IsTrue(cond)) {
      JUMPBY(oparg);
      DISPATCH();
    }
    err = PyObject_IsTrue(cond);
    if (err > 0) {
      JUMPBY(oparg);
    } else if (err == 0) {
      STACK_SHRINK(1);
      Py_DECREF(cond);
    } else {
      goto error;
    }
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Iteration.

  TARGET(GET_ITER) {
    PyObject* iterable = TOP();
    PyObject* iter = PyObject_GetIter(iterable);
    Py_DECREF(iterable);
    SET_TOP(iter);
    if (iter == nullptr) goto error;
    DISPATCH();
  }

  TARGET(FOR_ITER) {
    PyObject* iter = TOP();
    PyObject* next = (*Py_TYPE(iter)->tp_iternext)(iter);
    if (next != nullptr) {
      PUSH(next);
      DISPATCH();
    }
    if (_PyErr_Occurred(tstate)) {
      if (!_PyErr_ExceptionMatches(tstate, PyExc_StopIteration)) goto error;
      _PyErr_Clear(tstate);
    }
    STACK_SHRINK(1);
    Py_DECREF(iter);
    JUMPBY(oparg);
    DISPATCH();
  }

  TARGET(GET_LEN) {
    Py_ssize_t len_i = PyObject_Length(TOP());
    if (len_i < 0) goto error;
    PyObject* len_o = PyLong_FromSsize_t(len_i);
    if (len_o == nullptr) goto error;
    PUSH(len_o);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Calls. Stack: [NULL | method, callable | self, args..., ] with KW_NAMES naming the
  // trailing keyword arguments.

  TARGET(KW_NAMES) {
    kwnames = PyTuple_GET_ITEM(consts, oparg);
    DISPATCH();
  }

  TARGET(PRECALL) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int nargs = oparg + is_meth;
    PyObject* function = PEEK(nargs + 1);
    if (!is_meth && Py_TYPE(function) == &PyMethod_Type) {
      // A bound method: call its function with self prepended, without a new tuple.
      PyObject* meth = reinterpret_cast<PyMethodObject*>(function)->im_func;
      PyObject* self = reinterpret_cast<PyMethodObject*>(function)->im_self;
      Py_INCREF(meth);
      Py_INCREF(self);
      PEEK(oparg + 1) = self;
      PEEK(oparg + 2) = meth;
      Py_DECREF(function);
    }
    JUMPBY(INLINE_CACHE_ENTRIES_PRECALL);
    DISPATCH();
  }

  TARGET(CALL) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    PyObject* function = PEEK(oparg + 1);
    if (!is_meth && Py_TYPE(function) == &PyMethod_Type) {
      PyObject* meth = reinterpret_cast<PyMethodObject*>(function)->im_func;
      PyObject* self = reinterpret_cast<PyMethodObject*>(function)->im_self;
      Py_INCREF(meth);
      Py_INCREF(self);
      PEEK(oparg + 1) = self;
      PEEK(oparg + 2) = meth;
      Py_DECREF(function);
      is_meth = 1;
    }
    int total_args = oparg + is_meth;
    function = PEEK(total_args + 1);
    int positional_args = total_args - (kwnames ? (int)PyTuple_GET_SIZE(kwnames) : 0);
    if (profile) {
      profiles::Site* site = SITE();
      site->count++;
      profiles::record_call_target(site, function);
    }
    PyObject* res;
    _PyInterpreterFrame* callee;
    if (Py_IS_TYPE(function, &PyFunction_Type) && kwnames == nullptr &&
        (callee = push_simple_call(tstate, reinterpret_cast<PyFunctionObject*>(function),
                                   stack_pointer - total_args, total_args)) != nullptr) {
      // The arguments moved into the callee's frame; the hook decides who evaluates it.
      STACK_SHRINK(total_args);
      total_args = 0;
      res = _PyEval_EvalFrame(tstate, callee, 0);
      pop_call(tstate, callee);
    } else {
      if (_PyErr_Occurred(tstate)) goto error;
      res = PyObject_Vectorcall(function, stack_pointer - total_args,
                                positional_args | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
    }
    kwnames = nullptr;
    Py_DECREF(function);
    for (int i = 0; i < total_args; i++) Py_DECREF(stack_pointer[-1 - i]);
    STACK_SHRINK(total_args);
    STACK_SHRINK(2 - is_meth);
    PUSH(res);
    if (res == nullptr) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_CALL);
    if (cframe.use_tracing) goto hand_over_to_cpython;
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(CALL_FUNCTION_EX) {
    PyObject* kwargs = nullptr;
    if (oparg & 0x01) {
      kwargs = POP();
      if (!PyDict_CheckExact(kwargs)) {
        PyObject* d = PyDict_New();
        if (d == nullptr) goto error;
        if (_PyDict_MergeEx(d, kwargs, 2) < 0) {
          Py_DECREF(d);
          format_kwargs_error(tstate, SECOND(), kwargs);
          Py_DECREF(kwargs);
          goto error;
        }
        Py_DECREF(kwargs);
        kwargs = d;
      }
    }
    PyObject* callargs = POP();
    PyObject* func = TOP();
    if (!PyTuple_CheckExact(callargs)) {
      if (check_args_iterable(tstate, func, callargs) < 0) {
        Py_DECREF(callargs);
        Py_XDECREF(kwargs);
        goto error;
      }
      Py_SETREF(callargs, PySequence_Tuple(callargs));
      if (callargs == nullptr) {
        Py_XDECREF(kwargs);
        goto error;
      }
    }
    if (profile) {
      profiles::Site* site = SITE();
      site->count++;
      profiles::record_call_target(site, func);
    }
    PyObject* result = PyObject_Call(func, callargs, kwargs);
    Py_DECREF(func);
    Py_DECREF(callargs);
    Py_XDECREF(kwargs);
    STACK_SHRINK(1);
    SET_TOP(result);
    if (result == nullptr) goto error;
    if (cframe.use_tracing) goto hand_over_to_cpython;
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(MAKE_FUNCTION) {
    PyObject* codeobj = POP();
    auto* func = reinterpret_cast<PyFunctionObject*>(PyFunction_New(codeobj, GLOBALS()));
    Py_DECREF(codeobj);
    if (func == nullptr) goto error;
    if (oparg & 0x08) func->func_closure = POP();
    if (oparg & 0x04) func->func_annotations = POP();
    if (oparg & 0x02) func->func_kwdefaults = POP();
    if (oparg & 0x01) func->func_defaults = POP();
    PUSH(reinterpret_cast<PyObject*>(func));
    DISPATCH();
  }

  TARGET(RETURN_VALUE) {
    retval = POP();
    _PyFrame_SetStackPointer(frame, stack_pointer);
    goto exit_return;
  }

  // ---------------------------------------------------------------------------------------
  // Generators and coroutines. A generator frame lives in its generator object; it is
  // resumed with prev_instr at its last YIELD_VALUE and the sent value on the stack.

  TARGET(RETURN_GENERATOR) {
    PyGenObject* gen = reinterpret_cast<PyGenObject*>(_Py_MakeCoro(frame->f_func));
    if (gen == nullptr) goto error;
    _PyFrame_SetStackPointer(frame, stack_pointer);
    auto* gen_frame = reinterpret_cast<_PyInterpreterFrame*>(gen->gi_iframe);
    _PyFrame_Copy(frame, gen_frame);
    gen->gi_frame_state = FRAME_CREATED;
    gen_frame->owner = FRAME_OWNED_BY_GENERATOR;
    // The caller clears this frame: leave it holding references it may release.
    frame->stacktop = 0;
    frame->f_locals = nullptr;
    Py_INCREF(frame->f_func);
    Py_INCREF(frame->f_code);
    retval = reinterpret_cast<PyObject*>(gen);
    goto exit_return;
  }

  TARGET(YIELD_VALUE) {
    retval = POP();
    _PyFrame_GetGenerator(frame)->gi_frame_state = FRAME_SUSPENDED;
    _PyFrame_SetStackPointer(frame, stack_pointer);
    goto exit_return;
  }

  TARGET(GET_YIELD_FROM_ITER) {
    PyObject* iterable = TOP();
    if (PyCoro_CheckExact(iterable)) {
      if (!(co->co_flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE))) {
        Py_DECREF(iterable);
        SET_TOP(nullptr);
        _PyErr_SetString(tstate, PyExc_TypeError,
                         "cannot 'yield from' a coroutine object in a non-coroutine generator");
        goto error;
      }
    } else if (!PyGen_CheckExact(iterable)) {
      PyObject* iter = PyObject_GetIter(iterable);
      if (iter == nullptr) goto error;
      Py_DECREF(iterable);
      SET_TOP(iter);
    }
    DISPATCH();
  }

  TARGET(SEND) {
    PyObject* v = POP();
    PyObject* receiver = TOP();
    PyObject* result;
    PySendResult status = PyIter_Send(receiver, v, &result);
    Py_DECREF(v);
    if (status == PYGEN_ERROR) goto error;
    if (status == PYGEN_RETURN) {
      Py_DECREF(receiver);
      SET_TOP(result);
      JUMPBY(oparg);
      DISPATCH();
    }
    PUSH(result);
    DISPATCH();
  }

  TARGET(ASYNC_GEN_WRAP) {
    PyObject* v = TOP();
    PyObject* w = _PyAsyncGenValueWrapperNew(v);
    if (w == nullptr) goto error;
    SET_TOP(w);
    Py_DECREF(v);
    DISPATCH();
  }

  TARGET(GET_AWAITABLE) {
    PyObject* iterable = TOP();
    PyObject* iter = _PyCoro_GetAwaitableIter(iterable);
    if (iter == nullptr) format_awaitable_error(tstate, Py_TYPE(iterable), oparg);
    Py_DECREF(iterable);
    if (iter != nullptr && PyCoro_CheckExact(iter)) {
      PyObject* yf = _PyGen_yf(reinterpret_cast<PyGenObject*>(iter));
      if (yf != nullptr) {
        Py_DECREF(yf);
        Py_CLEAR(iter);
        _PyErr_SetString(tstate, PyExc_RuntimeError, "coroutine is being awaited already");
      }
    }
    SET_TOP(iter);
    if (iter == nullptr) goto error;
    DISPATCH();
  }

  TARGET(GET_AITER) {
    PyObject* obj = TOP();
    PyTypeObject* type = Py_TYPE(obj);
    unaryfunc getter = type->tp_as_async != nullptr ? type->tp_as_async->am_aiter : nullptr;
    PyObject* iter;
    if (getter == nullptr) {
      SET_TOP(nullptr);
      _PyErr_Format(tstate, PyExc_TypeError,
                    "'async for' requires an object with __aiter__ method, got %.100s",
                    type->tp_name);
      Py_DECREF(obj);
      goto error;
    }
    iter = (*getter)(obj);
    Py_DECREF(obj);
    if (iter == nullptr) {
      SET_TOP(nullptr);
      goto error;
    }
    if (Py_TYPE(iter)->tp_as_async == nullptr || Py_TYPE(iter)->tp_as_async->am_anext == nullptr) {
      SET_TOP(nullptr);
      _PyErr_Format(tstate, PyExc_TypeError,
                    "'async for' received an object from __aiter__ that does not implement "
                    "__anext__: %.100s",
                    Py_TYPE(iter)->tp_name);
      Py_DECREF(iter);
      goto error;
    }
    SET_TOP(iter);
    DISPATCH();
  }

  TARGET(GET_ANEXT) {
    PyObject* aiter = TOP();
    PyTypeObject* type = Py_TYPE(aiter);
    PyObject* awaitable;
    if (PyAsyncGen_CheckExact(aiter)) {
      awaitable = type->tp_as_async->am_anext(aiter);
      if (awaitable == nullptr) goto error;
    } else {
      unaryfunc getter = type->tp_as_async != nullptr ? type->tp_as_async->am_anext : nullptr;
      if (getter == nullptr) {
        _PyErr_Format(tstate, PyExc_TypeError,
                      "'async for' requires an iterator with __anext__ method, got %.100s",
                      type->tp_name);
        goto error;
      }
      PyObject* next_iter = (*getter)(aiter);
      if (next_iter == nullptr) goto error;
      awaitable = _PyCoro_GetAwaitableIter(next_iter);
      if (awaitable == nullptr) {
        _PyErr_FormatFromCause(PyExc_TypeError,
                               "'async for' received an invalid object from __anext__: %.100s",
                               Py_TYPE(next_iter)->tp_name);
        Py_DECREF(next_iter);
        goto error;
      }
      Py_DECREF(next_iter);
    }
    PUSH(awaitable);
    DISPATCH();
  }

  TARGET(END_ASYNC_FOR) {
    PyObject* val = POP();
    if (PyErr_GivenExceptionMatches(val, PyExc_StopAsyncIteration)) {
      Py_DECREF(val);
      Py_DECREF(POP());
      DISPATCH();
    }
    PyObject* exc = Py_NewRef(PyExceptionInstance_Class(val));
    PyObject* tb = PyException_GetTraceback(val);
    _PyErr_Restore(tstate, exc, val, tb);
    goto exception_unwind;
  }

  TARGET(BEFORE_ASYNC_WITH) {
    PyObject* mgr = TOP();
    PyObject* enter = _PyObject_LookupSpecial(mgr, vm::names().aenter);
    if (enter == nullptr) {
      if (!_PyErr_Occurred(tstate)) {
        _PyErr_Format(tstate, PyExc_TypeError,
                      "'%.200s' object does not support the asynchronous context manager "
                      "protocol",
                      Py_TYPE(mgr)->tp_name);
      }
      goto error;
    }
    PyObject* exit = _PyObject_LookupSpecial(mgr, vm::names().aexit);
    if (exit == nullptr) {
      if (!_PyErr_Occurred(tstate)) {
        _PyErr_Format(tstate, PyExc_TypeError,
                      "'%.200s' object does not support the asynchronous context manager "
                      "protocol (missed __aexit__ method)",
                      Py_TYPE(mgr)->tp_name);
      }
      Py_DECREF(enter);
      goto error;
    }
    SET_TOP(exit);
    Py_DECREF(mgr);
    PyObject* res = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    if (res == nullptr) goto error;
    PUSH(res);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Exceptions, `with`, `raise`. Handlers come from the exception table; the value stack of
  // a handler holds [..., (lasti), exception] as the table entry says.

  TARGET(BEFORE_WITH) {
    PyObject* mgr = TOP();
    PyObject* enter = _PyObject_LookupSpecial(mgr, vm::names().enter);
    if (enter == nullptr) {
      if (!_PyErr_Occurred(tstate)) {
        _PyErr_Format(tstate, PyExc_TypeError,
                      "'%.200s' object does not support the context manager protocol",
                      Py_TYPE(mgr)->tp_name);
      }
      goto error;
    }
    PyObject* exit = _PyObject_LookupSpecial(mgr, vm::names().exit);
    if (exit == nullptr) {
      if (!_PyErr_Occurred(tstate)) {
        _PyErr_Format(tstate, PyExc_TypeError,
                      "'%.200s' object does not support the context manager protocol (missed "
                      "__exit__ method)",
                      Py_TYPE(mgr)->tp_name);
      }
      Py_DECREF(enter);
      goto error;
    }
    SET_TOP(exit);
    Py_DECREF(mgr);
    PyObject* res = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    if (res == nullptr) goto error;
    PUSH(res);
    DISPATCH();
  }

  TARGET(WITH_EXCEPT_START) {
    // Stack: [__exit__, lasti, previous exception, exception]; calls
    // __exit__(type(exc), exc, exc.__traceback__).
    PyObject* val = TOP();
    PyObject* exc = PyExceptionInstance_Class(val);
    PyObject* tb = PyException_GetTraceback(val);
    PyObject* exit_func = PEEK(4);
    PyObject* stack[4] = {nullptr, exc, val, tb != nullptr ? tb : Py_None};
    PyObject* res =
        PyObject_Vectorcall(exit_func, stack + 1, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
    Py_XDECREF(tb);
    if (res == nullptr) goto error;
    PUSH(res);
    DISPATCH();
  }

  TARGET(PUSH_EXC_INFO) {
    PyObject* value = TOP();
    _PyErr_StackItem* exc_info = tstate->exc_info;
    if (exc_info->exc_value != nullptr) {
      SET_TOP(exc_info->exc_value);
    } else {
      SET_TOP(Py_NewRef(Py_None));
    }
    Py_INCREF(value);
    PUSH(value);
    exc_info->exc_value = value;
    DISPATCH();
  }

  TARGET(POP_EXCEPT) {
    _PyErr_StackItem* exc_info = tstate->exc_info;
    PyObject* value = exc_info->exc_value;
    exc_info->exc_value = POP();
    Py_XDECREF(value);
    DISPATCH();
  }

  TARGET(CHECK_EXC_MATCH) {
    PyObject* right = POP();
    PyObject* left = TOP();
    if (check_except_type_valid(tstate, right) < 0) {
      Py_DECREF(right);
      goto error;
    }
    int res = PyErr_GivenExceptionMatches(left, right);
    Py_DECREF(right);
    PUSH(Py_NewRef(res ? Py_True : Py_False));
    DISPATCH();
  }

  TARGET(CHECK_EG_MATCH) {
    PyObject* match_type = POP();
    if (check_except_star_type_valid(tstate, match_type) < 0) {
      Py_DECREF(match_type);
      goto error;
    }
    PyObject* exc_value = TOP();
    PyObject *match = nullptr, *rest = nullptr;
    int res = exception_group_match(exc_value, match_type, &match, &rest);
    Py_DECREF(match_type);
    if (res < 0) goto error;
    if (match == nullptr || rest == nullptr) goto error;
    if (Py_IsNone(match)) {
      PUSH(match);
      Py_XDECREF(rest);
    } else {
      // [exc] -> [rest, match]; the matched part becomes the handled exception.
      SET_TOP(rest);
      PUSH(match);
      PyErr_SetExcInfo(nullptr, Py_NewRef(match), nullptr);
      Py_DECREF(exc_value);
    }
    DISPATCH();
  }

  TARGET(PREP_RERAISE_STAR) {
    PyObject* excs = POP();
    PyObject* orig = POP();
    PyObject* val = _PyExc_PrepReraiseStar(orig, excs);
    Py_DECREF(excs);
    Py_DECREF(orig);
    if (val == nullptr) goto error;
    PUSH(val);
    DISPATCH();
  }

  TARGET(RAISE_VARARGS) {
    PyObject *cause = nullptr, *exc = nullptr;
    switch (oparg) {
      case 2:
        cause = POP();
        [[fallthrough]];
      case 1:
        exc = POP();
        [[fallthrough]];
      case 0:
        if (do_raise(tstate, exc, cause)) goto exception_unwind;
        break;
      default:
        _PyErr_SetString(tstate, PyExc_SystemError, "bad RAISE_VARARGS oparg");
        break;
    }
    goto error;
  }

  TARGET(RERAISE) {
    if (oparg) {
      // The handler saved the offset of the instruction that raised: tracebacks and
      // f_lineno must show it, not the handler.
      PyObject* lasti = PEEK(oparg + 1);
      if (!PyLong_Check(lasti)) {
        _PyErr_SetString(tstate, PyExc_SystemError, "lasti is not an int");
        goto error;
      }
      frame->prev_instr = first_instr + PyLong_AsLong(lasti);
    }
    PyObject* val = POP();
    PyObject* exc = Py_NewRef(PyExceptionInstance_Class(val));
    PyObject* tb = PyException_GetTraceback(val);
    _PyErr_Restore(tstate, exc, val, tb);
    goto exception_unwind;
  }

  TARGET(LOAD_ASSERTION_ERROR) {
    PUSH(Py_NewRef(PyExc_AssertionError));
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Modules and classes.

  TARGET(IMPORT_NAME) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* fromlist = POP();
    PyObject* level = TOP();
    PyObject* res = import_name(tstate, frame, name, fromlist, level);
    Py_DECREF(level);
    Py_DECREF(fromlist);
    SET_TOP(res);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(IMPORT_FROM) {
    PyObject* name = PyTuple_GET_ITEM(names, oparg);
    PyObject* res = import_from(tstate, TOP(), name);
    PUSH(res);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(IMPORT_STAR) {
    PyObject* from = POP();
    if (_PyFrame_FastToLocalsWithError(frame) < 0) {
      Py_DECREF(from);
      goto error;
    }
    PyObject* locals = LOCALS();
    if (locals == nullptr) {
      _PyErr_SetString(tstate, PyExc_SystemError, "no locals found during 'import *'");
      Py_DECREF(from);
      goto error;
    }
    int err = import_all_from(tstate, locals, from);
    _PyFrame_LocalsToFast(frame, 0);
    Py_DECREF(from);
    if (err != 0) goto error;
    DISPATCH();
  }

  TARGET(LOAD_BUILD_CLASS) {
    PyObject* bc;
    if (PyDict_CheckExact(BUILTINS())) {
      bc = PyDict_GetItemWithError(BUILTINS(), vm::names().build_class);
      if (bc == nullptr) {
        if (!_PyErr_Occurred(tstate)) {
          _PyErr_SetString(tstate, PyExc_NameError, "__build_class__ not found");
        }
        goto error;
      }
      Py_INCREF(bc);
    } else {
      bc = PyObject_GetItem(BUILTINS(), vm::names().build_class);
      if (bc == nullptr) {
        if (_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) {
          _PyErr_SetString(tstate, PyExc_NameError, "__build_class__ not found");
        }
        goto error;
      }
    }
    PUSH(bc);
    DISPATCH();
  }

  TARGET(SETUP_ANNOTATIONS) {
    PyObject* locals = LOCALS();
    PyObject* key = vm::names().annotations;
    if (locals == nullptr) {
      _PyErr_Format(tstate, PyExc_SystemError, "no locals found when setting up annotations");
      goto error;
    }
    if (PyDict_CheckExact(locals)) {
      PyObject* ann_dict = PyDict_GetItemWithError(locals, key);
      if (ann_dict == nullptr) {
        if (_PyErr_Occurred(tstate)) goto error;
        ann_dict = PyDict_New();
        if (ann_dict == nullptr) goto error;
        int err = PyDict_SetItem(locals, key, ann_dict);
        Py_DECREF(ann_dict);
        if (err != 0) goto error;
      }
    } else {
      PyObject* ann_dict = PyObject_GetItem(locals, key);
      if (ann_dict == nullptr) {
        if (!_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) goto error;
        _PyErr_Clear(tstate);
        ann_dict = PyDict_New();
        if (ann_dict == nullptr) goto error;
        int err = PyObject_SetItem(locals, key, ann_dict);
        Py_DECREF(ann_dict);
        if (err != 0) goto error;
      } else {
        Py_DECREF(ann_dict);
      }
    }
    DISPATCH();
  }

  TARGET(PRINT_EXPR) {
    PyObject* value = POP();
    PyObject* hook = _PySys_GetAttr(tstate, vm::names().displayhook);
    if (hook == nullptr) {
      _PyErr_SetString(tstate, PyExc_RuntimeError, "lost sys.displayhook");
      Py_DECREF(value);
      goto error;
    }
    PyObject* res = PyObject_CallOneArg(hook, value);
    Py_DECREF(value);
    if (res == nullptr) goto error;
    Py_DECREF(res);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Structural pattern matching.

  TARGET(MATCH_CLASS) {
    PyObject* kw_names = POP();
    PyObject* type = POP();
    PyObject* subject = TOP();
    PyObject* attrs = match_class(tstate, subject, type, oparg, kw_names);
    Py_DECREF(kw_names);
    Py_DECREF(type);
    if (attrs != nullptr) {
      SET_TOP(attrs);
    } else if (_PyErr_Occurred(tstate)) {
      goto error;
    } else {
      SET_TOP(Py_NewRef(Py_None));
    }
    Py_DECREF(subject);
    DISPATCH();
  }

  TARGET(MATCH_MAPPING) {
    PyObject* subject = TOP();
    int match = Py_TYPE(subject)->tp_flags & Py_TPFLAGS_MAPPING;
    PUSH(Py_NewRef(match ? Py_True : Py_False));
    DISPATCH();
  }

  TARGET(MATCH_SEQUENCE) {
    PyObject* subject = TOP();
    int match = Py_TYPE(subject)->tp_flags & Py_TPFLAGS_SEQUENCE;
    PUSH(Py_NewRef(match ? Py_True : Py_False));
    DISPATCH();
  }

  TARGET(MATCH_KEYS) {
    PyObject* values_or_none = match_keys(tstate, SECOND(), TOP());
    if (values_or_none == nullptr) goto error;
    PUSH(values_or_none);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Adaptive instructions (written by _PyCode_Quicken): count down in the first inline cache
  // entry; at zero let CPython's specializer rewrite the instruction in place and dispatch
  // it again with the same oparg. Specialized forms map to the generic handlers (or to
  // their own fast paths) through the dispatch table.

#define ADAPTIVE_TARGET(base, specialize)                                  \
  op_##base##_ADAPTIVE : {                                                 \
    frame->prev_instr = next_instr++;                                      \
    uint16_t* counter_ = reinterpret_cast<uint16_t*>(next_instr);          \
    if (*counter_ < (1 << ADAPTIVE_BACKOFF_BITS)) {                        \
      next_instr--;                                                        \
      specialize;                                                          \
      opcode = _Py_OPCODE(*next_instr);                                    \
      goto* dispatch_table[opcode];                                        \
    }                                                                      \
    *counter_ -= (1 << ADAPTIVE_BACKOFF_BITS);                             \
    next_instr--;                                                          \
    goto op_##base;                                                        \
  }

  ADAPTIVE_TARGET(LOAD_ATTR, {
    if (_Py_Specialize_LoadAttr(TOP(), next_instr, PyTuple_GET_ITEM(names, oparg)) < 0) {
      goto error;
    }
  })
  ADAPTIVE_TARGET(LOAD_METHOD, {
    if (_Py_Specialize_LoadMethod(TOP(), next_instr, PyTuple_GET_ITEM(names, oparg)) < 0) {
      goto error;
    }
  })
  ADAPTIVE_TARGET(LOAD_GLOBAL, {
    if (_Py_Specialize_LoadGlobal(GLOBALS(), BUILTINS(), next_instr,
                                  PyTuple_GET_ITEM(names, oparg >> 1)) < 0) {
      goto error;
    }
  })
  ADAPTIVE_TARGET(STORE_ATTR, {
    if (_Py_Specialize_StoreAttr(TOP(), next_instr, PyTuple_GET_ITEM(names, oparg)) < 0) {
      goto error;
    }
  })
  ADAPTIVE_TARGET(BINARY_SUBSCR, {
    if (_Py_Specialize_BinarySubscr(SECOND(), TOP(), next_instr) < 0) goto error;
  })
  ADAPTIVE_TARGET(STORE_SUBSCR, {
    if (_Py_Specialize_StoreSubscr(SECOND(), TOP(), next_instr) < 0) goto error;
  })
  ADAPTIVE_TARGET(BINARY_OP, {
    _Py_Specialize_BinaryOp(SECOND(), TOP(), next_instr, oparg, &GETLOCAL(0));
  })
  ADAPTIVE_TARGET(COMPARE_OP, {
    _Py_Specialize_CompareOp(SECOND(), TOP(), next_instr, oparg);
  })
  ADAPTIVE_TARGET(UNPACK_SEQUENCE, {
    _Py_Specialize_UnpackSequence(TOP(), next_instr, oparg);
  })
  ADAPTIVE_TARGET(PRECALL, {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int nargs = oparg + is_meth;
    if (_Py_Specialize_Precall(PEEK(nargs + 1), next_instr, nargs, kwnames, oparg) < 0) {
      goto error;
    }
  })
  ADAPTIVE_TARGET(CALL, {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int nargs = oparg + is_meth;
    if (_Py_Specialize_Call(PEEK(nargs + 1), next_instr, nargs, kwnames) < 0) goto error;
  })

  // ---------------------------------------------------------------------------------------
  // Specialized forms with fast paths. They read the inline caches CPython's specializer
  // wrote (the same layout CPython's evaluator reads). A failed guard counts a miss in the
  // first cache entry (at zero the instruction goes back to its adaptive form, as in CPython)
  // and runs the generic handler: a guard can never change a result.

#define DEOPT_IF(cond, base)                                                  \
  if (cond) {                                                                 \
    uint16_t* counter_ = reinterpret_cast<uint16_t*>(next_instr);             \
    if (--*counter_ == 0) {                                                   \
      _Py_SET_OPCODE(next_instr[-1], base##_ADAPTIVE);                        \
      *counter_ = adaptive_counter_start();                                   \
    }                                                                         \
    next_instr--;                                                             \
    goto op_##base;                                                           \
  }

  TARGET(LOAD_GLOBAL_MODULE) {
    DEOPT_IF(!PyDict_CheckExact(GLOBALS()), LOAD_GLOBAL);
    auto* dict = reinterpret_cast<PyDictObject*>(GLOBALS());
    auto* cache = reinterpret_cast<_PyLoadGlobalCache*>(next_instr);
    DEOPT_IF(dict->ma_keys->dk_version != read_u32(cache->module_keys_version), LOAD_GLOBAL);
    PyObject* res = DK_UNICODE_ENTRIES(dict->ma_keys)[cache->index].me_value;
    DEOPT_IF(res == nullptr, LOAD_GLOBAL);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_GLOBAL);
    if (oparg & 1) PUSH(nullptr);
    PUSH(Py_NewRef(res));
    DISPATCH();
  }

  TARGET(LOAD_GLOBAL_BUILTIN) {
    DEOPT_IF(!PyDict_CheckExact(GLOBALS()), LOAD_GLOBAL);
    DEOPT_IF(!PyDict_CheckExact(BUILTINS()), LOAD_GLOBAL);
    auto* mdict = reinterpret_cast<PyDictObject*>(GLOBALS());
    auto* bdict = reinterpret_cast<PyDictObject*>(BUILTINS());
    auto* cache = reinterpret_cast<_PyLoadGlobalCache*>(next_instr);
    DEOPT_IF(mdict->ma_keys->dk_version != read_u32(cache->module_keys_version), LOAD_GLOBAL);
    DEOPT_IF(bdict->ma_keys->dk_version != cache->builtin_keys_version, LOAD_GLOBAL);
    PyObject* res = DK_UNICODE_ENTRIES(bdict->ma_keys)[cache->index].me_value;
    DEOPT_IF(res == nullptr, LOAD_GLOBAL);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_GLOBAL);
    if (oparg & 1) PUSH(nullptr);
    PUSH(Py_NewRef(res));
    DISPATCH();
  }

  TARGET(LOAD_ATTR_INSTANCE_VALUE) {
    PyObject* owner = TOP();
    auto* cache = reinterpret_cast<_PyAttrCache*>(next_instr);
    DEOPT_IF(Py_TYPE(owner)->tp_version_tag != read_u32(cache->version), LOAD_ATTR);
    PyDictValues* values = *_PyObject_ValuesPointer(owner);
    DEOPT_IF(values == nullptr, LOAD_ATTR);
    PyObject* res = values->values[cache->index];
    DEOPT_IF(res == nullptr, LOAD_ATTR);
    PROFILE_TYPES(owner, nullptr);
    SET_TOP(Py_NewRef(res));
    Py_DECREF(owner);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_ATTR);
    DISPATCH();
  }

  TARGET(STORE_ATTR_INSTANCE_VALUE) {
    PyObject* owner = TOP();
    auto* cache = reinterpret_cast<_PyAttrCache*>(next_instr);
    DEOPT_IF(Py_TYPE(owner)->tp_version_tag != read_u32(cache->version), STORE_ATTR);
    PyDictValues* values = *_PyObject_ValuesPointer(owner);
    DEOPT_IF(values == nullptr, STORE_ATTR);
    PROFILE_TYPES(owner, nullptr);
    Py_ssize_t index = cache->index;
    STACK_SHRINK(1);
    PyObject* value = POP();
    PyObject* old_value = values->values[index];
    values->values[index] = value;
    if (old_value == nullptr) {
      _PyDictValues_AddToInsertionOrder(values, index);
    } else {
      Py_DECREF(old_value);
    }
    Py_DECREF(owner);
    JUMPBY(INLINE_CACHE_ENTRIES_STORE_ATTR);
    DISPATCH();
  }

  TARGET(LOAD_METHOD_WITH_VALUES) {
    PyObject* self = TOP();
    PyTypeObject* self_cls = Py_TYPE(self);
    auto* cache = reinterpret_cast<_PyLoadMethodCache*>(next_instr);
    DEOPT_IF(self_cls->tp_version_tag != read_u32(cache->type_version), LOAD_METHOD);
    auto* dict = *reinterpret_cast<PyDictObject**>(_PyObject_ManagedDictPointer(self));
    DEOPT_IF(dict != nullptr, LOAD_METHOD);
    auto* heap_type = reinterpret_cast<PyHeapTypeObject*>(self_cls);
    DEOPT_IF(heap_type->ht_cached_keys->dk_version != read_u32(cache->keys_version), LOAD_METHOD);
    PROFILE_TYPES(self, nullptr);
    SET_TOP(Py_NewRef(read_obj(cache->descr)));
    PUSH(self);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_METHOD);
    DISPATCH();
  }

  TARGET(LOAD_METHOD_NO_DICT) {
    PyObject* self = TOP();
    auto* cache = reinterpret_cast<_PyLoadMethodCache*>(next_instr);
    DEOPT_IF(Py_TYPE(self)->tp_version_tag != read_u32(cache->type_version), LOAD_METHOD);
    PROFILE_TYPES(self, nullptr);
    SET_TOP(Py_NewRef(read_obj(cache->descr)));
    PUSH(self);
    JUMPBY(INLINE_CACHE_ENTRIES_LOAD_METHOD);
    DISPATCH();
  }

// (op_##name is spelled out: TARGET(name) would expand the opcode macro to its number.)
#define BINARY_INT_FAST(name, fn)                                                      \
  op_##name : frame->prev_instr = next_instr++;                                        \
  {                                                                                    \
    PyObject* left = SECOND();                                                         \
    PyObject* right = TOP();                                                           \
    DEOPT_IF(!PyLong_CheckExact(left), BINARY_OP);                                     \
    DEOPT_IF(Py_TYPE(right) != Py_TYPE(left), BINARY_OP);                              \
    PROFILE_TYPES(left, right);                                                        \
    PyObject* res = fn(reinterpret_cast<PyLongObject*>(left),                          \
                       reinterpret_cast<PyLongObject*>(right));                        \
    SET_SECOND(res);                                                                   \
    Py_DECREF(right);                                                                  \
    Py_DECREF(left);                                                                   \
    STACK_SHRINK(1);                                                                   \
    if (res == nullptr) goto error;                                                    \
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_OP);                                            \
    DISPATCH();                                                                        \
  }
  BINARY_INT_FAST(BINARY_OP_ADD_INT, _PyLong_Add)
  BINARY_INT_FAST(BINARY_OP_SUBTRACT_INT, _PyLong_Subtract)
  BINARY_INT_FAST(BINARY_OP_MULTIPLY_INT, _PyLong_Multiply)

#define BINARY_FLOAT_FAST(name, expr)                                                  \
  op_##name : frame->prev_instr = next_instr++;                                        \
  {                                                                                    \
    PyObject* left = SECOND();                                                         \
    PyObject* right = TOP();                                                           \
    DEOPT_IF(!PyFloat_CheckExact(left), BINARY_OP);                                    \
    DEOPT_IF(Py_TYPE(right) != Py_TYPE(left), BINARY_OP);                              \
    PROFILE_TYPES(left, right);                                                        \
    double a_ = reinterpret_cast<PyFloatObject*>(left)->ob_fval;                       \
    double b_ = reinterpret_cast<PyFloatObject*>(right)->ob_fval;                      \
    PyObject* res = PyFloat_FromDouble(expr);                                          \
    SET_SECOND(res);                                                                   \
    Py_DECREF(right);                                                                  \
    Py_DECREF(left);                                                                   \
    STACK_SHRINK(1);                                                                   \
    if (res == nullptr) goto error;                                                    \
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_OP);                                            \
    DISPATCH();                                                                        \
  }
  BINARY_FLOAT_FAST(BINARY_OP_ADD_FLOAT, a_ + b_)
  BINARY_FLOAT_FAST(BINARY_OP_SUBTRACT_FLOAT, a_ - b_)
  BINARY_FLOAT_FAST(BINARY_OP_MULTIPLY_FLOAT, a_ * b_)

  // CPython fuses these with the following conditional jump; tier 0 pushes the boolean and
  // lets the jump run, so the branch profile still sees it.
  TARGET(COMPARE_OP_INT_JUMP) {
    PyObject* left = SECOND();
    PyObject* right = TOP();
    DEOPT_IF(!PyLong_CheckExact(left), COMPARE_OP);
    DEOPT_IF(!PyLong_CheckExact(right), COMPARE_OP);
    DEOPT_IF((size_t)(Py_SIZE(left) + 1) > 2, COMPARE_OP);
    DEOPT_IF((size_t)(Py_SIZE(right) + 1) > 2, COMPARE_OP);
    PROFILE_TYPES(left, right);
    Py_ssize_t ileft = Py_SIZE(left) * (Py_ssize_t)reinterpret_cast<PyLongObject*>(left)->ob_digit[0];
    Py_ssize_t iright = Py_SIZE(right) * (Py_ssize_t)reinterpret_cast<PyLongObject*>(right)->ob_digit[0];
    int res;
    switch (oparg) {
      case Py_LT: res = ileft < iright; break;
      case Py_LE: res = ileft <= iright; break;
      case Py_EQ: res = ileft == iright; break;
      case Py_NE: res = ileft != iright; break;
      case Py_GT: res = ileft > iright; break;
      default: res = ileft >= iright; break;
    }
    STACK_SHRINK(1);
    SET_TOP(Py_NewRef(res ? Py_True : Py_False));
    Py_DECREF(left);
    Py_DECREF(right);
    JUMPBY(INLINE_CACHE_ENTRIES_COMPARE_OP);
    DISPATCH();
  }

  TARGET(COMPARE_OP_FLOAT_JUMP) {
    PyObject* left = SECOND();
    PyObject* right = TOP();
    DEOPT_IF(!PyFloat_CheckExact(left), COMPARE_OP);
    DEOPT_IF(!PyFloat_CheckExact(right), COMPARE_OP);
    PROFILE_TYPES(left, right);
    double dleft = PyFloat_AS_DOUBLE(left);
    double dright = PyFloat_AS_DOUBLE(right);
    int res;
    switch (oparg) {
      case Py_LT: res = dleft < dright; break;
      case Py_LE: res = dleft <= dright; break;
      case Py_EQ: res = dleft == dright; break;
      case Py_NE: res = dleft != dright; break;
      case Py_GT: res = dleft > dright; break;
      default: res = dleft >= dright; break;
    }
    STACK_SHRINK(1);
    SET_TOP(Py_NewRef(res ? Py_True : Py_False));
    Py_DECREF(left);
    Py_DECREF(right);
    JUMPBY(INLINE_CACHE_ENTRIES_COMPARE_OP);
    DISPATCH();
  }

  TARGET(LOAD_FAST__LOAD_FAST) {
    PyObject* value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    Py_INCREF(value);
    PUSH(value);
    // The second LOAD_FAST, without a dispatch.
    oparg = _Py_OPARG(*next_instr);
    frame->prev_instr = next_instr++;
    value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    Py_INCREF(value);
    PUSH(value);
    DISPATCH();
  }

  // The other superinstructions: the second half runs without a dispatch, with prev_instr
  // moved to it first so errors and f_lineno name the right instruction.
#define SECOND_HALF()                   \
  oparg = _Py_OPARG(*next_instr);       \
  frame->prev_instr = next_instr++;

  TARGET(LOAD_FAST__LOAD_CONST) {
    PyObject* value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    PUSH(Py_NewRef(value));
    SECOND_HALF();
    PUSH(Py_NewRef(PyTuple_GET_ITEM(consts, oparg)));
    DISPATCH();
  }

  TARGET(STORE_FAST__LOAD_FAST) {
    PyObject* value = POP();
    SETLOCAL(oparg, value);
    SECOND_HALF();
    value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    PUSH(Py_NewRef(value));
    DISPATCH();
  }

  TARGET(STORE_FAST__STORE_FAST) {
    PyObject* value = POP();
    SETLOCAL(oparg, value);
    SECOND_HALF();
    value = POP();
    SETLOCAL(oparg, value);
    DISPATCH();
  }

  TARGET(LOAD_CONST__LOAD_FAST) {
    PUSH(Py_NewRef(PyTuple_GET_ITEM(consts, oparg)));
    SECOND_HALF();
    PyObject* value = GETLOCAL(oparg);
    if (value == nullptr) goto unbound_local_error;
    PUSH(Py_NewRef(value));
    DISPATCH();
  }

  TARGET(BINARY_SUBSCR_LIST_INT) {
    PyObject* sub = TOP();
    PyObject* list = SECOND();
    DEOPT_IF(!PyLong_CheckExact(sub), BINARY_SUBSCR);
    DEOPT_IF(!PyList_CheckExact(list), BINARY_SUBSCR);
    // Non-negative one-digit index only: everything else takes the generic path.
    DEOPT_IF(((size_t)Py_SIZE(sub)) > 1, BINARY_SUBSCR);
    Py_ssize_t index = reinterpret_cast<PyLongObject*>(sub)->ob_digit[0];
    DEOPT_IF(index >= PyList_GET_SIZE(list), BINARY_SUBSCR);
    PyObject* res = Py_NewRef(PyList_GET_ITEM(list, index));
    STACK_SHRINK(1);
    Py_DECREF(sub);
    SET_TOP(res);
    Py_DECREF(list);
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_SUBSCR);
    DISPATCH();
  }

  TARGET(BINARY_SUBSCR_TUPLE_INT) {
    PyObject* sub = TOP();
    PyObject* tuple = SECOND();
    DEOPT_IF(!PyLong_CheckExact(sub), BINARY_SUBSCR);
    DEOPT_IF(!PyTuple_CheckExact(tuple), BINARY_SUBSCR);
    DEOPT_IF(((size_t)Py_SIZE(sub)) > 1, BINARY_SUBSCR);
    Py_ssize_t index = reinterpret_cast<PyLongObject*>(sub)->ob_digit[0];
    DEOPT_IF(index >= PyTuple_GET_SIZE(tuple), BINARY_SUBSCR);
    PyObject* res = Py_NewRef(PyTuple_GET_ITEM(tuple, index));
    STACK_SHRINK(1);
    Py_DECREF(sub);
    SET_TOP(res);
    Py_DECREF(tuple);
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_SUBSCR);
    DISPATCH();
  }

  TARGET(BINARY_SUBSCR_DICT) {
    PyObject* dict = SECOND();
    DEOPT_IF(!PyDict_CheckExact(dict), BINARY_SUBSCR);
    PyObject* sub = TOP();
    PyObject* res = PyDict_GetItemWithError(dict, sub);
    if (res == nullptr) {
      // KeyError (or the hash error) exactly as dict's own __getitem__ raises it.
      if (!_PyErr_Occurred(tstate)) _PyErr_SetKeyError(sub);
      goto error;
    }
    Py_INCREF(res);
    STACK_SHRINK(1);
    Py_DECREF(sub);
    SET_TOP(res);
    Py_DECREF(dict);
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_SUBSCR);
    DISPATCH();
  }

  TARGET(STORE_SUBSCR_LIST_INT) {
    PyObject* sub = TOP();
    PyObject* list = SECOND();
    PyObject* value = THIRD();
    DEOPT_IF(!PyLong_CheckExact(sub), STORE_SUBSCR);
    DEOPT_IF(!PyList_CheckExact(list), STORE_SUBSCR);
    DEOPT_IF(((size_t)Py_SIZE(sub)) > 1, STORE_SUBSCR);
    Py_ssize_t index = reinterpret_cast<PyLongObject*>(sub)->ob_digit[0];
    DEOPT_IF(index >= PyList_GET_SIZE(list), STORE_SUBSCR);
    STACK_SHRINK(3);
    PyObject* old_value = PyList_GET_ITEM(list, index);
    PyList_SET_ITEM(list, index, value);
    Py_DECREF(old_value);
    Py_DECREF(sub);
    Py_DECREF(list);
    JUMPBY(INLINE_CACHE_ENTRIES_STORE_SUBSCR);
    DISPATCH();
  }

  TARGET(STORE_SUBSCR_DICT) {
    PyObject* sub = TOP();
    PyObject* dict = SECOND();
    PyObject* value = THIRD();
    DEOPT_IF(!PyDict_CheckExact(dict), STORE_SUBSCR);
    STACK_SHRINK(3);
    // Steals sub and value.
    int err = _PyDict_SetItem_Take2(reinterpret_cast<PyDictObject*>(dict), sub, value);
    Py_DECREF(dict);
    if (err != 0) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_STORE_SUBSCR);
    DISPATCH();
  }

  TARGET(BINARY_OP_ADD_UNICODE) {
    PyObject* left = SECOND();
    PyObject* right = TOP();
    DEOPT_IF(!PyUnicode_CheckExact(left), BINARY_OP);
    DEOPT_IF(Py_TYPE(right) != Py_TYPE(left), BINARY_OP);
    PROFILE_TYPES(left, right);
    PyObject* res = PyUnicode_Concat(left, right);
    STACK_SHRINK(1);
    SET_TOP(res);
    Py_DECREF(left);
    Py_DECREF(right);
    if (res == nullptr) goto error;
    JUMPBY(INLINE_CACHE_ENTRIES_BINARY_OP);
    DISPATCH();
  }

  // Calls of builtins specialized at PRECALL: the call happens here and the CALL
  // instruction is skipped. The CALL site's profile still records the target, and a callee
  // that turned tracing on (sys.settrace is a builtin) still hands the frame over.
#define PRECALL_PROFILE(callable)                                                        \
  if (profile) {                                                                         \
    profiles::Site* call_site_ = profile->site(INSTR_OFFSET() + INLINE_CACHE_ENTRIES_PRECALL); \
    if (call_site_ != nullptr) {                                                         \
      call_site_->count++;                                                               \
      profiles::record_call_target(call_site_, callable);                               \
    }                                                                                    \
  }
#define SKIP_CALL() JUMPBY(INLINE_CACHE_ENTRIES_PRECALL + 1 + INLINE_CACHE_ENTRIES_CALL)
#define AFTER_BUILTIN_CALL()                                  \
  if (cframe.use_tracing) goto hand_over_to_cpython;          \
  CHECK_EVAL_BREAKER();                                       \
  DISPATCH();

  TARGET(PRECALL_NO_KW_LEN) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    DEOPT_IF(kwnames != nullptr || total_args != 1, PRECALL);
    PyObject* callable = PEEK(total_args + 1);
    DEOPT_IF(callable != tstate->interp->callable_cache.len, PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyObject* arg = TOP();
    Py_ssize_t len_i = PyObject_Length(arg);
    if (len_i < 0) goto error;
    PyObject* res = PyLong_FromSsize_t(len_i);
    STACK_SHRINK(2 - is_meth);
    SET_TOP(res);
    Py_DECREF(callable);
    Py_DECREF(arg);
    if (res == nullptr) goto error;
    DISPATCH();
  }

  TARGET(PRECALL_NO_KW_ISINSTANCE) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    PyObject* callable = PEEK(total_args + 1);
    DEOPT_IF(kwnames != nullptr || total_args != 2, PRECALL);
    DEOPT_IF(callable != tstate->interp->callable_cache.isinstance, PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyObject* cls = POP();
    PyObject* inst = TOP();
    int retval = PyObject_IsInstance(inst, cls);
    if (retval < 0) {
      Py_DECREF(cls);
      goto error;
    }
    PyObject* res = PyBool_FromLong(retval);
    STACK_SHRINK(2 - is_meth);
    SET_TOP(res);
    Py_DECREF(inst);
    Py_DECREF(cls);
    Py_DECREF(callable);
    DISPATCH();
  }

  TARGET(PRECALL_NO_KW_LIST_APPEND) {
    // [list.append, list, arg] -> None (CPython also skips the POP_TOP; tier 0 runs it).
    DEOPT_IF(kwnames != nullptr || oparg != 1 || PEEK(3) == nullptr, PRECALL);
    PyObject* callable = PEEK(3);
    DEOPT_IF(callable != tstate->interp->callable_cache.list_append, PRECALL);
    PyObject* list = SECOND();
    DEOPT_IF(!PyList_Check(list), PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyObject* arg = POP();
    if (_PyList_AppendTakeRef(reinterpret_cast<PyListObject*>(list), arg) < 0) goto error;
    STACK_SHRINK(1);
    SET_TOP(Py_NewRef(Py_None));
    Py_DECREF(list);
    Py_DECREF(callable);
    DISPATCH();
  }

  TARGET(PRECALL_NO_KW_BUILTIN_O) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    DEOPT_IF(kwnames != nullptr || total_args != 1, PRECALL);
    PyObject* callable = PEEK(total_args + 1);
    DEOPT_IF(!PyCFunction_CheckExact(callable), PRECALL);
    DEOPT_IF(PyCFunction_GET_FLAGS(callable) != METH_O, PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyCFunction cfunc = PyCFunction_GET_FUNCTION(callable);
    // CPython checks the recursion limit around every non-vectorcall C call.
    if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object")) goto error;
    PyObject* arg = TOP();
    PyObject* res = cfunc(PyCFunction_GET_SELF(callable), arg);
    _Py_LeaveRecursiveCallTstate(tstate);
    Py_DECREF(arg);
    Py_DECREF(callable);
    STACK_SHRINK(2 - is_meth);
    SET_TOP(res);
    if (res == nullptr) goto error;
    AFTER_BUILTIN_CALL();
  }

  TARGET(PRECALL_NO_KW_BUILTIN_FAST) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    PyObject* callable = PEEK(total_args + 1);
    DEOPT_IF(kwnames != nullptr, PRECALL);
    DEOPT_IF(!PyCFunction_CheckExact(callable), PRECALL);
    DEOPT_IF(PyCFunction_GET_FLAGS(callable) != METH_FASTCALL, PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyCFunction cfunc = PyCFunction_GET_FUNCTION(callable);
    STACK_SHRINK(total_args);
    PyObject* res = reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)(void)>(cfunc))(
        PyCFunction_GET_SELF(callable), stack_pointer, total_args);
    for (int i = 0; i < total_args; i++) Py_DECREF(stack_pointer[i]);
    STACK_SHRINK(2 - is_meth);
    PUSH(res);
    Py_DECREF(callable);
    if (res == nullptr) goto error;
    AFTER_BUILTIN_CALL();
  }

  TARGET(PRECALL_NO_KW_METHOD_DESCRIPTOR_O) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    auto* callable = reinterpret_cast<PyMethodDescrObject*>(PEEK(total_args + 1));
    DEOPT_IF(kwnames != nullptr || total_args != 2, PRECALL);
    DEOPT_IF(!Py_IS_TYPE(callable, &PyMethodDescr_Type), PRECALL);
    PyMethodDef* meth = callable->d_method;
    DEOPT_IF(meth->ml_flags != METH_O, PRECALL);
    PyObject* arg = TOP();
    PyObject* self = SECOND();
    DEOPT_IF(!Py_IS_TYPE(self, callable->d_common.d_type), PRECALL);
    PRECALL_PROFILE(reinterpret_cast<PyObject*>(callable));
    SKIP_CALL();
    if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object")) goto error;
    PyObject* res = meth->ml_meth(self, arg);
    _Py_LeaveRecursiveCallTstate(tstate);
    Py_DECREF(self);
    Py_DECREF(arg);
    STACK_SHRINK(oparg + 1);
    SET_TOP(res);
    Py_DECREF(callable);
    if (res == nullptr) goto error;
    AFTER_BUILTIN_CALL();
  }

  TARGET(PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST) {
    int is_meth = PEEK(oparg + 2) != nullptr;
    int total_args = oparg + is_meth;
    auto* callable = reinterpret_cast<PyMethodDescrObject*>(PEEK(total_args + 1));
    DEOPT_IF(kwnames != nullptr || total_args < 1, PRECALL);
    DEOPT_IF(!Py_IS_TYPE(callable, &PyMethodDescr_Type), PRECALL);
    PyMethodDef* meth = callable->d_method;
    DEOPT_IF(meth->ml_flags != METH_FASTCALL, PRECALL);
    PyObject* self = PEEK(total_args);
    DEOPT_IF(!Py_IS_TYPE(self, callable->d_common.d_type), PRECALL);
    PRECALL_PROFILE(reinterpret_cast<PyObject*>(callable));
    SKIP_CALL();
    auto cfunc = reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)(void)>(meth->ml_meth));
    int nargs = total_args - 1;
    STACK_SHRINK(nargs);
    PyObject* res = cfunc(self, stack_pointer, nargs);
    for (int i = 0; i < nargs; i++) Py_DECREF(stack_pointer[i]);
    Py_DECREF(self);
    STACK_SHRINK(2 - is_meth);
    SET_TOP(res);
    Py_DECREF(callable);
    if (res == nullptr) goto error;
    AFTER_BUILTIN_CALL();
  }

  TARGET(PRECALL_NO_KW_STR_1) {
    DEOPT_IF(kwnames != nullptr || oparg != 1 || PEEK(3) != nullptr, PRECALL);
    PyObject* callable = PEEK(2);
    DEOPT_IF(callable != reinterpret_cast<PyObject*>(&PyUnicode_Type), PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyObject* arg = TOP();
    PyObject* res = PyObject_Str(arg);
    Py_DECREF(arg);
    Py_DECREF(callable);
    STACK_SHRINK(2);
    SET_TOP(res);
    if (res == nullptr) goto error;
    CHECK_EVAL_BREAKER();
    DISPATCH();
  }

  TARGET(PRECALL_NO_KW_TYPE_1) {
    DEOPT_IF(kwnames != nullptr || oparg != 1 || PEEK(3) != nullptr, PRECALL);
    PyObject* callable = PEEK(2);
    DEOPT_IF(callable != reinterpret_cast<PyObject*>(&PyType_Type), PRECALL);
    PRECALL_PROFILE(callable);
    SKIP_CALL();
    PyObject* obj = TOP();
    PyObject* res = Py_NewRef(reinterpret_cast<PyObject*>(Py_TYPE(obj)));
    Py_DECREF(callable);
    Py_DECREF(obj);
    STACK_SHRINK(2);
    SET_TOP(res);
    DISPATCH();
  }

  // ---------------------------------------------------------------------------------------
  // Unreachable in practice: code holding an unknown opcode never gets here (code_info.cpp
  // scans first). A code object mutated afterwards still gets a clean error, not a crash.

op_unknown:
  frame->prev_instr = next_instr++;
  _PyErr_Format(tstate, PyExc_SystemError, "Janus VM: unknown opcode %d at offset %d", opcode,
                INSTR_OFFSET() - 1);
  goto error;

unbound_local_error:
  format_exc_check_arg(tstate, PyExc_UnboundLocalError, kUnboundLocalMsg,
                       PyTuple_GetItem(co->co_localsplusnames, oparg));
  goto error;

  // ---------------------------------------------------------------------------------------
  // Exception handling: record the traceback entry, then find the handler in the exception
  // table; with none, the frame is left with the exception set.

error:
  kwnames = nullptr;
  if (!_PyErr_Occurred(tstate)) {
    _PyErr_SetString(tstate, PyExc_SystemError, "error return without exception set");
  }
  // Frames still copying cells/free variables (before RESUME) are not yet visible.
  if (!_PyFrame_IsIncomplete(frame)) {
    PyFrameObject* f = _PyFrame_GetFrameObject(frame);
    if (f != nullptr) PyTraceBack_Here(f);
  }

exception_unwind : {
  // The offset comes from next_instr: RERAISE may have moved prev_instr.
  int offset = INSTR_OFFSET() - 1;
  int level, handler;
  bool push_lasti;
  if (!find_exception_handler(co, offset, &level, &handler, &push_lasti)) {
    while (stack_pointer > _PyFrame_Stackbase(frame)) {
      PyObject* o = POP();
      Py_XDECREF(o);
    }
    _PyFrame_SetStackPointer(frame, stack_pointer);
    goto exit_unwind;
  }
  PyObject** new_top = _PyFrame_Stackbase(frame) + level;
  while (stack_pointer > new_top) {
    PyObject* v = POP();
    Py_XDECREF(v);
  }
  if (push_lasti) {
    PyObject* lasti = PyLong_FromLong(_PyInterpreterFrame_LASTI(frame));
    if (lasti == nullptr) goto exception_unwind;
    PUSH(lasti);
  }
  PyObject *exc, *val, *tb;
  _PyErr_Fetch(tstate, &exc, &val, &tb);
  _PyErr_NormalizeException(tstate, &exc, &val, &tb);
  if (tb != nullptr) {
    PyException_SetTraceback(val, tb);
  } else {
    PyException_SetTraceback(val, Py_None);
  }
  Py_XDECREF(tb);
  Py_XDECREF(exc);
  PUSH(val);
  JUMPTO(handler);
  DISPATCH();
}

  // A call turned tracing on (sys.settrace, breakpoint()): debuggers must see this frame's
  // line events, which only CPython's evaluator emits. It continues the frame from the next
  // instruction, exactly as it resumes a generator (it reports a 'call' event first).
hand_over_to_cpython:
  frame->prev_instr = next_instr - 1;
  _PyFrame_SetStackPointer(frame, stack_pointer);
  _Py_LeaveRecursiveCallTstate(tstate);
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return _PyEval_EvalFrameDefault(tstate, frame, 0);

exit_unwind:
  _Py_LeaveRecursiveCallTstate(tstate);
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return nullptr;

exit_return:
  _Py_LeaveRecursiveCallTstate(tstate);
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return retval;
}

}  // namespace janus::vm
