// Error construction shared by instructions: messages match CPython 3.11 word for word,
// because tests and user code compare them.
#include "vm/helpers.h"

namespace janus::vm {

void format_exc_check_arg(PyThreadState* tstate, PyObject* exc, const char* format,
                          PyObject* name) {
  if (name == nullptr) return;
  const char* name_str = PyUnicode_AsUTF8(name);
  if (name_str == nullptr) return;
  _PyErr_Format(tstate, exc, format, name_str);
  if (exc != PyExc_NameError) return;
  // The name attribute lets the traceback printer offer "Did you mean ...?".
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (PyErr_GivenExceptionMatches(value, PyExc_NameError)) {
    auto* error = reinterpret_cast<PyNameErrorObject*>(value);
    if (error->name == nullptr) (void)PyObject_SetAttr(value, names().attr_name, name);
  }
  PyErr_Restore(type, value, tb);
}

void format_exc_unbound(PyThreadState* tstate, PyCodeObject* code, int oparg) {
  if (_PyErr_Occurred(tstate)) return;
  PyObject* name = PyTuple_GET_ITEM(code->co_localsplusnames, oparg);
  if (oparg < code->co_nplaincellvars + code->co_nlocals) {
    format_exc_check_arg(tstate, PyExc_UnboundLocalError, kUnboundLocalMsg, name);
  } else {
    format_exc_check_arg(tstate, PyExc_NameError, kUnboundFreeMsg, name);
  }
}

void format_kwargs_error(PyThreadState* tstate, PyObject* func, PyObject* kwargs) {
  // _PyDict_MergeEx raises AttributeError (no .keys) for non-mappings and KeyError for
  // duplicate keys; Python reports both as TypeErrors naming the function.
  if (_PyErr_ExceptionMatches(tstate, PyExc_AttributeError)) {
    _PyErr_Clear(tstate);
    PyObject* funcstr = _PyObject_FunctionStr(func);
    if (funcstr != nullptr) {
      _PyErr_Format(tstate, PyExc_TypeError, "%U argument after ** must be a mapping, not %.200s",
                    funcstr, Py_TYPE(kwargs)->tp_name);
      Py_DECREF(funcstr);
    }
  } else if (_PyErr_ExceptionMatches(tstate, PyExc_KeyError)) {
    PyObject *exc, *val, *tb;
    _PyErr_Fetch(tstate, &exc, &val, &tb);
    if (val && PyTuple_Check(val) && PyTuple_GET_SIZE(val) == 1) {
      _PyErr_Clear(tstate);
      PyObject* funcstr = _PyObject_FunctionStr(func);
      if (funcstr != nullptr) {
        PyObject* key = PyTuple_GET_ITEM(val, 0);
        _PyErr_Format(tstate, PyExc_TypeError,
                      "%U got multiple values for keyword argument '%S'", funcstr, key);
        Py_DECREF(funcstr);
      }
      Py_XDECREF(exc);
      Py_XDECREF(val);
      Py_XDECREF(tb);
    } else {
      _PyErr_Restore(tstate, exc, val, tb);
    }
  }
}

int check_args_iterable(PyThreadState* tstate, PyObject* func, PyObject* args) {
  if (Py_TYPE(args)->tp_iter == nullptr && !PySequence_Check(args)) {
    _PyErr_Clear(tstate);
    PyObject* funcstr = _PyObject_FunctionStr(func);
    if (funcstr != nullptr) {
      _PyErr_Format(tstate, PyExc_TypeError, "%U argument after * must be an iterable, not %.200s",
                    funcstr, Py_TYPE(args)->tp_name);
      Py_DECREF(funcstr);
    }
    return -1;
  }
  return 0;
}

void format_awaitable_error(PyThreadState* tstate, PyTypeObject* type, int oparg) {
  if (type->tp_as_async != nullptr && type->tp_as_async->am_await != nullptr) return;
  if (oparg == 1) {
    _PyErr_Format(tstate, PyExc_TypeError,
                  "'async with' received an object from __aenter__ that does not implement "
                  "__await__: %.100s",
                  type->tp_name);
  } else if (oparg == 2) {
    _PyErr_Format(tstate, PyExc_TypeError,
                  "'async with' received an object from __aexit__ that does not implement "
                  "__await__: %.100s",
                  type->tp_name);
  }
}

int do_raise(PyThreadState* tstate, PyObject* exc, PyObject* cause) {
  PyObject *type = nullptr, *value = nullptr;
  if (exc == nullptr) {
    // Bare `raise`: re-raise the exception being handled, traceback unchanged.
    _PyErr_StackItem* exc_info = _PyErr_GetTopmostException(tstate);
    value = exc_info->exc_value;
    if (value == nullptr || Py_IsNone(value)) {
      _PyErr_SetString(tstate, PyExc_RuntimeError, "No active exception to reraise");
      return 0;
    }
    type = PyExceptionInstance_Class(value);
    Py_XINCREF(type);
    Py_XINCREF(value);
    PyObject* tb = PyException_GetTraceback(value);
    _PyErr_Restore(tstate, type, value, tb);
    return 1;
  }
  if (PyExceptionClass_Check(exc)) {
    type = exc;
    value = PyObject_CallNoArgs(exc);
    if (value == nullptr) goto raise_error;
    if (!PyExceptionInstance_Check(value)) {
      _PyErr_Format(tstate, PyExc_TypeError,
                    "calling %R should have returned an instance of BaseException, not %R",
                    type, Py_TYPE(value));
      goto raise_error;
    }
  } else if (PyExceptionInstance_Check(exc)) {
    value = exc;
    type = PyExceptionInstance_Class(exc);
    Py_INCREF(type);
  } else {
    Py_DECREF(exc);
    _PyErr_SetString(tstate, PyExc_TypeError, "exceptions must derive from BaseException");
    goto raise_error;
  }
  if (cause != nullptr) {
    PyObject* fixed_cause;
    if (PyExceptionClass_Check(cause)) {
      fixed_cause = PyObject_CallNoArgs(cause);
      if (fixed_cause == nullptr) goto raise_error;
      Py_DECREF(cause);
    } else if (PyExceptionInstance_Check(cause)) {
      fixed_cause = cause;
    } else if (Py_IsNone(cause)) {
      Py_DECREF(cause);
      fixed_cause = nullptr;
    } else {
      _PyErr_SetString(tstate, PyExc_TypeError, "exception causes must derive from BaseException");
      goto raise_error;
    }
    PyException_SetCause(value, fixed_cause);
  }
  _PyErr_SetObject(tstate, type, value);
  Py_DECREF(value);
  Py_DECREF(type);
  return 0;
raise_error:
  Py_XDECREF(value);
  Py_XDECREF(type);
  Py_XDECREF(cause);
  return 0;
}

static const char kCannotCatchMsg[] =
    "catching classes that do not inherit from BaseException is not allowed";

int check_except_type_valid(PyThreadState* tstate, PyObject* right) {
  if (PyTuple_Check(right)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(right); i++) {
      if (!PyExceptionClass_Check(PyTuple_GET_ITEM(right, i))) {
        _PyErr_SetString(tstate, PyExc_TypeError, kCannotCatchMsg);
        return -1;
      }
    }
  } else if (!PyExceptionClass_Check(right)) {
    _PyErr_SetString(tstate, PyExc_TypeError, kCannotCatchMsg);
    return -1;
  }
  return 0;
}

int check_except_star_type_valid(PyThreadState* tstate, PyObject* right) {
  if (check_except_type_valid(tstate, right) < 0) return -1;
  int is_subclass = 0;
  if (PyTuple_Check(right)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(right); i++) {
      is_subclass = PyObject_IsSubclass(PyTuple_GET_ITEM(right, i), PyExc_BaseExceptionGroup);
      if (is_subclass < 0) return -1;
      if (is_subclass) break;
    }
  } else {
    is_subclass = PyObject_IsSubclass(right, PyExc_BaseExceptionGroup);
    if (is_subclass < 0) return -1;
  }
  if (is_subclass) {
    _PyErr_SetString(tstate, PyExc_TypeError,
                     "catching ExceptionGroup with except* is not allowed. Use except instead.");
    return -1;
  }
  return 0;
}

int exception_group_match(PyObject* exc_value, PyObject* match_type, PyObject** match,
                          PyObject** rest) {
  if (Py_IsNone(exc_value)) {
    *match = Py_NewRef(Py_None);
    *rest = Py_NewRef(Py_None);
    return 0;
  }
  if (PyErr_GivenExceptionMatches(exc_value, match_type)) {
    // The whole exception matches: a naked exception is wrapped in a group.
    if (PyObject_TypeCheck(exc_value, reinterpret_cast<PyTypeObject*>(PyExc_BaseExceptionGroup))) {
      *match = Py_NewRef(exc_value);
    } else {
      PyObject* excs = PyTuple_Pack(1, exc_value);
      if (excs == nullptr) return -1;
      PyObject* wrapped = _PyExc_CreateExceptionGroup("", excs);
      Py_DECREF(excs);
      if (wrapped == nullptr) return -1;
      *match = wrapped;
    }
    *rest = Py_NewRef(Py_None);
    return 0;
  }
  if (PyObject_TypeCheck(exc_value, reinterpret_cast<PyTypeObject*>(PyExc_BaseExceptionGroup))) {
    PyObject* pair = PyObject_CallMethod(exc_value, "split", "(O)", match_type);
    if (pair == nullptr) return -1;
    if (!PyTuple_CheckExact(pair)) {
      PyErr_Format(PyExc_TypeError, "%.200s.split must return a tuple, not %.200s",
                   Py_TYPE(exc_value)->tp_name, Py_TYPE(pair)->tp_name);
      Py_DECREF(pair);
      return -1;
    }
    if (PyTuple_GET_SIZE(pair) != 2) {
      PyErr_Format(PyExc_TypeError,
                   "%.200s.split must return a 2-tuple, got tuple of size %zd",
                   Py_TYPE(exc_value)->tp_name, PyTuple_GET_SIZE(pair));
      Py_DECREF(pair);
      return -1;
    }
    *match = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    *rest = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    Py_DECREF(pair);
    return 0;
  }
  *match = Py_NewRef(Py_None);
  *rest = Py_NewRef(Py_None);
  return 0;
}

// Exception table entries: start, length, target, depth<<1|lasti; 6-bit varints, 0x40 =
// more bits follow, 0x80 marks the first byte of an entry.
static int read_varint(const unsigned char*& p) {
  int value = *p & 63;
  while (*p & 64) {
    ++p;
    value = (value << 6) | (*p & 63);
  }
  ++p;
  return value;
}

bool find_exception_handler(PyCodeObject* code, int offset, int* depth, int* handler,
                            bool* push_lasti) {
  const auto* p = reinterpret_cast<const unsigned char*>(PyBytes_AS_STRING(code->co_exceptiontable));
  const auto* end = p + PyBytes_GET_SIZE(code->co_exceptiontable);
  while (p < end) {
    int start = read_varint(p);
    int length = read_varint(p);
    int target = read_varint(p);
    int depth_lasti = read_varint(p);
    // Entries are sorted by start: once past the offset nothing later can cover it.
    if (start > offset) return false;
    if (offset < start + length) {
      *handler = target;
      *depth = depth_lasti >> 1;
      *push_lasti = depth_lasti & 1;
      return true;
    }
  }
  return false;
}

}  // namespace janus::vm
