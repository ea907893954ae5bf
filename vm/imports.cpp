// `import x`, `from x import y`, `from x import *` with CPython 3.11's semantics and messages.
#include "vm/helpers.h"

namespace janus::vm {

PyObject* import_name(PyThreadState* tstate, _PyInterpreterFrame* frame, PyObject* name,
                      PyObject* fromlist, PyObject* level) {
  PyObject* import_func = _PyDict_GetItemWithError(frame->f_builtins, names().import);
  if (import_func == nullptr) {
    if (!_PyErr_Occurred(tstate)) _PyErr_SetString(tstate, PyExc_ImportError, "__import__ not found");
    return nullptr;
  }
  PyObject* locals = frame->f_locals;
  // The builtin __import__ is called directly, an overridden one through a call.
  if (import_func == tstate->interp->import_func) {
    int ilevel = _PyLong_AsInt(level);
    if (ilevel == -1 && _PyErr_Occurred(tstate)) return nullptr;
    return PyImport_ImportModuleLevelObject(name, frame->f_globals,
                                            locals == nullptr ? Py_None : locals, fromlist,
                                            ilevel);
  }
  Py_INCREF(import_func);
  PyObject* stack[5] = {name, frame->f_globals, locals == nullptr ? Py_None : locals, fromlist,
                        level};
  PyObject* res = _PyObject_FastCall(import_func, stack, 5);
  Py_DECREF(import_func);
  return res;
}

PyObject* import_from(PyThreadState* tstate, PyObject* v, PyObject* name) {
  PyObject *x, *pkgname, *pkgpath, *pkgname_or_unknown, *errmsg;
  if (_PyObject_LookupAttr(v, name, &x) != 0) return x;
  // A circular relative import may have the submodule in sys.modules already.
  pkgname = PyObject_GetAttr(v, names().name);
  if (pkgname == nullptr) goto error;
  if (!PyUnicode_Check(pkgname)) {
    Py_CLEAR(pkgname);
    goto error;
  }
  {
    PyObject* fullmodname = PyUnicode_FromFormat("%U.%U", pkgname, name);
    if (fullmodname == nullptr) {
      Py_DECREF(pkgname);
      return nullptr;
    }
    x = PyImport_GetModule(fullmodname);
    Py_DECREF(fullmodname);
    if (x == nullptr && !_PyErr_Occurred(tstate)) goto error;
    Py_DECREF(pkgname);
    return x;
  }
error:
  pkgpath = PyModule_GetFilenameObject(v);
  if (pkgname == nullptr) {
    pkgname_or_unknown = PyUnicode_FromString("<unknown module name>");
    if (pkgname_or_unknown == nullptr) {
      Py_XDECREF(pkgpath);
      return nullptr;
    }
  } else {
    pkgname_or_unknown = pkgname;
  }
  if (pkgpath == nullptr || !PyUnicode_Check(pkgpath)) {
    _PyErr_Clear(tstate);
    errmsg = PyUnicode_FromFormat("cannot import name %R from %R (unknown location)", name,
                                  pkgname_or_unknown);
    PyErr_SetImportError(errmsg, pkgname, nullptr);
  } else {
    PyObject* spec = PyObject_GetAttr(v, names().spec);
    const char* fmt = _PyModuleSpec_IsInitializing(spec)
                          ? "cannot import name %R from partially initialized module %R "
                            "(most likely due to a circular import) (%S)"
                          : "cannot import name %R from %R (%S)";
    Py_XDECREF(spec);
    errmsg = PyUnicode_FromFormat(fmt, name, pkgname_or_unknown, pkgpath);
    PyErr_SetImportError(errmsg, pkgname, pkgpath);
  }
  Py_XDECREF(errmsg);
  Py_XDECREF(pkgname_or_unknown);
  Py_XDECREF(pkgpath);
  return nullptr;
}

int import_all_from(PyThreadState* tstate, PyObject* locals, PyObject* v) {
  PyObject *all, *dict;
  int skip_leading_underscores = 0;
  if (_PyObject_LookupAttr(v, names().all, &all) < 0) return -1;
  if (all == nullptr) {
    if (_PyObject_LookupAttr(v, names().dict, &dict) < 0) return -1;
    if (dict == nullptr) {
      _PyErr_SetString(tstate, PyExc_ImportError,
                       "from-import-* object has no __dict__ and no __all__");
      return -1;
    }
    all = PyMapping_Keys(dict);
    Py_DECREF(dict);
    if (all == nullptr) return -1;
    skip_leading_underscores = 1;
  }
  int err = 0;
  for (Py_ssize_t pos = 0;; pos++) {
    PyObject* name = PySequence_GetItem(all, pos);
    if (name == nullptr) {
      if (!_PyErr_ExceptionMatches(tstate, PyExc_IndexError)) {
        err = -1;
      } else {
        _PyErr_Clear(tstate);
      }
      break;
    }
    if (!PyUnicode_Check(name)) {
      PyObject* modname = PyObject_GetAttr(v, names().name);
      if (modname == nullptr) {
        Py_DECREF(name);
        err = -1;
        break;
      }
      if (!PyUnicode_Check(modname)) {
        _PyErr_Format(tstate, PyExc_TypeError, "module __name__ must be a string, not %.100s",
                      Py_TYPE(modname)->tp_name);
      } else {
        _PyErr_Format(tstate, PyExc_TypeError, "%s in %U.%s must be str, not %.100s",
                      skip_leading_underscores ? "Key" : "Item", modname,
                      skip_leading_underscores ? "__dict__" : "__all__", Py_TYPE(name)->tp_name);
      }
      Py_DECREF(modname);
      Py_DECREF(name);
      err = -1;
      break;
    }
    if (skip_leading_underscores) {
      if (PyUnicode_READY(name) == -1) {
        Py_DECREF(name);
        err = -1;
        break;
      }
      if (PyUnicode_READ_CHAR(name, 0) == '_') {
        Py_DECREF(name);
        continue;
      }
    }
    PyObject* value = PyObject_GetAttr(v, name);
    if (value == nullptr) {
      err = -1;
    } else if (PyDict_CheckExact(locals)) {
      err = PyDict_SetItem(locals, name, value);
    } else {
      err = PyObject_SetItem(locals, name, value);
    }
    Py_DECREF(name);
    Py_XDECREF(value);
    if (err != 0) break;
  }
  Py_DECREF(all);
  return err;
}

}  // namespace janus::vm
