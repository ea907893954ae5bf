// Sequence unpacking (a, *b, c = ...) and structural pattern matching (match/case).
#include "vm/helpers.h"

namespace janus::vm {

int unpack_iterable(PyThreadState* tstate, PyObject* v, int argcnt, int argcntafter,
                    PyObject** sp) {
  int i = 0;
  PyObject* it = PyObject_GetIter(v);
  PyObject* w;
  PyObject* list;
  Py_ssize_t ll;
  if (it == nullptr) {
    if (_PyErr_ExceptionMatches(tstate, PyExc_TypeError) && Py_TYPE(v)->tp_iter == nullptr &&
        !PySequence_Check(v)) {
      _PyErr_Format(tstate, PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                    Py_TYPE(v)->tp_name);
    }
    return 0;
  }
  for (; i < argcnt; i++) {
    w = PyIter_Next(it);
    if (w == nullptr) {
      if (!_PyErr_Occurred(tstate)) {
        if (argcntafter == -1) {
          _PyErr_Format(tstate, PyExc_ValueError,
                        "not enough values to unpack (expected %d, got %d)", argcnt, i);
        } else {
          _PyErr_Format(tstate, PyExc_ValueError,
                        "not enough values to unpack (expected at least %d, got %d)",
                        argcnt + argcntafter, i);
        }
      }
      goto fail;
    }
    *--sp = w;
  }
  if (argcntafter == -1) {
    w = PyIter_Next(it);
    if (w == nullptr) {
      if (_PyErr_Occurred(tstate)) goto fail;
      Py_DECREF(it);
      return 1;
    }
    Py_DECREF(w);
    _PyErr_Format(tstate, PyExc_ValueError, "too many values to unpack (expected %d)", argcnt);
    goto fail;
  }
  list = PySequence_List(it);
  if (list == nullptr) goto fail;
  *--sp = list;
  i++;
  ll = PyList_GET_SIZE(list);
  if (ll < argcntafter) {
    _PyErr_Format(tstate, PyExc_ValueError,
                  "not enough values to unpack (expected at least %d, got %zd)",
                  argcnt + argcntafter, argcnt + ll);
    goto fail;
  }
  for (int j = argcntafter; j > 0; j--, i++) *--sp = PyList_GET_ITEM(list, ll - j);
  Py_SET_SIZE(list, ll - argcntafter);
  Py_DECREF(it);
  return 1;
fail:
  for (; i > 0; i--, sp++) Py_DECREF(*sp);
  Py_XDECREF(it);
  return 0;
}

static PyObject* match_class_attr(PyThreadState* tstate, PyObject* subject, PyObject* type,
                                  PyObject* name, PyObject* seen) {
  if (PySet_Contains(seen, name) || PySet_Add(seen, name)) {
    if (!_PyErr_Occurred(tstate)) {
      _PyErr_Format(tstate, PyExc_TypeError, "%s() got multiple sub-patterns for attribute %R",
                    reinterpret_cast<PyTypeObject*>(type)->tp_name, name);
    }
    return nullptr;
  }
  PyObject* attr = PyObject_GetAttr(subject, name);
  if (attr == nullptr && _PyErr_ExceptionMatches(tstate, PyExc_AttributeError)) {
    _PyErr_Clear(tstate);
  }
  return attr;
}

// A tuple of the extracted attributes on a match; NULL on no match (error set or not).
PyObject* match_class(PyThreadState* tstate, PyObject* subject, PyObject* type,
                      Py_ssize_t nargs, PyObject* kwargs) {
  if (!PyType_Check(type)) {
    _PyErr_Format(tstate, PyExc_TypeError, "called match pattern must be a type");
    return nullptr;
  }
  if (PyObject_IsInstance(subject, type) <= 0) return nullptr;
  PyObject* seen = PySet_New(nullptr);
  if (seen == nullptr) return nullptr;
  PyObject* attrs = PyList_New(0);
  if (attrs == nullptr) {
    Py_DECREF(seen);
    return nullptr;
  }
  PyObject* match_args = nullptr;
  auto* tp = reinterpret_cast<PyTypeObject*>(type);
  if (nargs) {
    int match_self = 0;
    match_args = PyObject_GetAttr(type, names().match_args);
    if (match_args) {
      if (!PyTuple_CheckExact(match_args)) {
        _PyErr_Format(tstate, PyExc_TypeError, "%s.__match_args__ must be a tuple (got %s)",
                      tp->tp_name, Py_TYPE(match_args)->tp_name);
        goto fail;
      }
    } else if (_PyErr_ExceptionMatches(tstate, PyExc_AttributeError)) {
      // Builtins like int match their own value positionally (_Py_TPFLAGS_MATCH_SELF),
      // only when the class does not define __match_args__.
      _PyErr_Clear(tstate);
      match_args = PyTuple_New(0);
      match_self = PyType_HasFeature(tp, _Py_TPFLAGS_MATCH_SELF);
    } else {
      goto fail;
    }
    {
      Py_ssize_t allowed = match_self ? 1 : PyTuple_GET_SIZE(match_args);
      if (allowed < nargs) {
        const char* plural = (allowed == 1) ? "" : "s";
        _PyErr_Format(tstate, PyExc_TypeError,
                      "%s() accepts %d positional sub-pattern%s (%d given)", tp->tp_name,
                      (int)allowed, plural, (int)nargs);
        goto fail;
      }
    }
    if (match_self) {
      PyList_Append(attrs, subject);
    } else {
      for (Py_ssize_t i = 0; i < nargs; i++) {
        PyObject* name = PyTuple_GET_ITEM(match_args, i);
        if (!PyUnicode_CheckExact(name)) {
          _PyErr_Format(tstate, PyExc_TypeError,
                        "__match_args__ elements must be strings (got %s)",
                        Py_TYPE(name)->tp_name);
          goto fail;
        }
        PyObject* attr = match_class_attr(tstate, subject, type, name, seen);
        if (attr == nullptr) goto fail;
        PyList_Append(attrs, attr);
        Py_DECREF(attr);
      }
    }
    Py_CLEAR(match_args);
  }
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwargs); i++) {
    PyObject* attr = match_class_attr(tstate, subject, type, PyTuple_GET_ITEM(kwargs, i), seen);
    if (attr == nullptr) goto fail;
    PyList_Append(attrs, attr);
    Py_DECREF(attr);
  }
  Py_SETREF(attrs, PyList_AsTuple(attrs));
  Py_DECREF(seen);
  return attrs;
fail:
  Py_XDECREF(match_args);
  Py_DECREF(seen);
  Py_DECREF(attrs);
  return nullptr;
}

// A tuple of the values for `keys` if all are present, None if one is missing.
PyObject* match_keys(PyThreadState* tstate, PyObject* map, PyObject* keys) {
  Py_ssize_t nkeys = PyTuple_GET_SIZE(keys);
  if (!nkeys) return PyTuple_New(0);
  PyObject *seen = nullptr, *dummy = nullptr, *values = nullptr, *get = nullptr;
  // map.get(key, dummy): one lookup, and no __missing__ side effects (defaultdict).
  int meth_found = _PyObject_GetMethod(map, names().get, &get);
  if (get == nullptr) goto fail;
  seen = PySet_New(nullptr);
  if (seen == nullptr) goto fail;
  dummy = PyObject_CallNoArgs(reinterpret_cast<PyObject*>(&PyBaseObject_Type));
  if (dummy == nullptr) goto fail;
  values = PyTuple_New(nkeys);
  if (values == nullptr) goto fail;
  for (Py_ssize_t i = 0; i < nkeys; i++) {
    PyObject* key = PyTuple_GET_ITEM(keys, i);
    if (PySet_Contains(seen, key) || PySet_Add(seen, key)) {
      if (!_PyErr_Occurred(tstate)) {
        _PyErr_Format(tstate, PyExc_ValueError, "mapping pattern checks duplicate key (%R)", key);
      }
      goto fail;
    }
    PyObject* args[] = {map, key, dummy};
    PyObject* value = meth_found ? PyObject_Vectorcall(get, args, 3, nullptr)
                                 : PyObject_Vectorcall(get, &args[1], 2, nullptr);
    if (value == nullptr) goto fail;
    if (value == dummy) {
      Py_DECREF(value);
      Py_DECREF(values);
      values = Py_NewRef(Py_None);
      break;
    }
    PyTuple_SET_ITEM(values, i, value);
  }
  Py_DECREF(get);
  Py_DECREF(seen);
  Py_DECREF(dummy);
  return values;
fail:
  Py_XDECREF(get);
  Py_XDECREF(seen);
  Py_XDECREF(dummy);
  Py_XDECREF(values);
  return nullptr;
}

}  // namespace janus::vm
