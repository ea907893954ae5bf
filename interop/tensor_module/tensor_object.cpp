// The life of a tensor's Python object: making one for a C++ tensor (identity-preserving) and
// freeing it.
//
// Every op result gets a new object and most die a few bytecodes later, so their cost counts.
// janus.Tensor is a Python class (`class Tensor(_TensorBase)`), whose objects CPython makes
// with PyType_GenericAlloc (size computation, memset) and frees with subtype_dealloc
// (trashcan, finalizer and base lookups, weakref and managed-dict clearing), about 340
// instructions a tensor. Once _set_tensor_class has checked the class's layout (what a class
// statement adds to _TensorBase: a weakref slot and 3.11's managed __dict__, whose pointers sit
// before the object), this file makes janus.Tensor's objects directly and frees those that
// never had a __dict__ and whose class has no finalizer: by far the common case. Anything
// else goes through subtype_dealloc as before, so behaviour stays the Python class's (GC
// tracking, attributes, weak references and their callbacks, __del__, subclasses).

#include "interop/tensor_module/python_api.h"

namespace janus::py {

PyTypeObject* tensor_class = nullptr;
// Set once janus.Tensor's objects are made and freed here (its layout checked in adopt()).
static bool tensor_class_direct = false;
static destructor generic_dealloc = nullptr;  // janus.Tensor's tp_dealloc from CPython
static Py_ssize_t weaklist_offset = 0;

// CPython 3.11 keeps a managed-dict object's dict pointer and inline-values pointer in the
// two words before its GC header (pycore_object.h: _PyObject_ManagedDictPointer, ...Values...).
static PyObject** managed_dict(PyObject* o) { return reinterpret_cast<PyObject**>(o) - 3; }
static void** managed_values(PyObject* o) { return reinterpret_cast<void**>(o) - 4; }
static PyObject** weaklist(PyObject* o) {
  return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + weaklist_offset);
}

static void init_tensor(PyObject* o, const Tensor& t) {
  new (&reinterpret_cast<TensorObject*>(o)->tensor) Tensor(t);
  t.impl()->pyobj = o;
}

static void drop_tensor(PyObject* self) {
  TensorObject* t = reinterpret_cast<TensorObject*>(self);
  if (t->tensor.defined() && t->tensor.impl()->pyobj == self) t->tensor.impl()->pyobj = nullptr;
  t->tensor.~Tensor();
}

// A tensor keeps a borrowed pointer to its Python object, so the same tensor always comes back
// as the same object (p.grad is p.grad) and keeps its Python subclass (nn.Parameter).
PyObject* wrap_as(const Tensor& t, PyTypeObject* cls) {
  if (cls == tensor_class && tensor_class_direct) {
    // PyObject_GC_New allocates the pre-header (GC links, dict and values pointers) and takes
    // the reference a heap type's object holds on its type; the object is GC-tracked as
    // PyType_GenericAlloc's are.
    PyObject* o = reinterpret_cast<PyObject*>(PyObject_GC_New(TensorObject, cls));
    if (!o) return nullptr;
    *managed_dict(o) = nullptr;
    *managed_values(o) = nullptr;
    *weaklist(o) = nullptr;
    init_tensor(o, t);
    PyObject_GC_Track(o);
    return o;
  }
  PyObject* o = cls->tp_alloc(cls, 0);
  if (!o) return nullptr;
  init_tensor(o, t);
  return o;
}

PyObject* wrap(const Tensor& t) {
  if (!t.defined()) Py_RETURN_NONE;
  if (t.impl()->pyobj) {
    PyObject* o = (PyObject*)t.impl()->pyobj;
    Py_INCREF(o);
    return o;
  }
  return wrap_as(t, tensor_class ? tensor_class : &TensorBaseType);
}

// _TensorBase's tp_dealloc. Objects of Python subclasses come here through subtype_dealloc
// (unless janus.Tensor's below is nearer), which has cleared their dict and weak references
// and drops the type reference.
static void tensor_dealloc(PyObject* self) {
  drop_tensor(self);
  Py_TYPE(self)->tp_free(self);
}

// The object subtype_dealloc is freeing for janus.Tensor's own dealloc (see below).
static thread_local PyObject* t_generic __attribute__((tls_model("initial-exec"))) = nullptr;

// janus.Tensor's tp_dealloc once adopted. Two callers: CPython, for a janus.Tensor object, and
// subtype_dealloc for an object of a subclass (nn.Parameter) or for a janus.Tensor object sent
// to it below, having finalized it and cleared its dict. What is left is this class's part:
// the weak references (the base that declares the slot clears them), the tensor, the memory,
// and the type reference (subtype_dealloc leaves it to a heap base's dealloc).
static void tensor_class_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  if ((*managed_dict(self) || *managed_values(self) || type->tp_finalize || type->tp_del) &&
      type->tp_dealloc == tensor_class_dealloc && self != t_generic) {
    // A __del__, a __dict__ (its contents may chain: subtype_dealloc's trashcan bounds the
    // recursion): CPython's full path, which calls back here for the rest.
    PyObject* outer = t_generic;
    t_generic = self;
    generic_dealloc(self);
    t_generic = outer;
    return;
  }
  PyObject_GC_UnTrack(self);
  if (*weaklist(self)) PyObject_ClearWeakRefs(self);
  drop_tensor(self);
  PyObject_GC_Del(self);
  Py_DECREF(type);
}

void init_tensor_object(PyTypeObject& t) {
  t.tp_basicsize = sizeof(TensorObject);
  t.tp_dealloc = tensor_dealloc;
}

// Whether janus.Tensor has the layout a class statement gives a _TensorBase subclass in
// CPython 3.11: a GC object with a managed dict (checked where it lands, on a probe object)
// and one weakref slot after _TensorBase's fields, freed by subtype_dealloc and PyObject_GC_Del.
static bool layout_known(PyTypeObject* cls) {
  const Py_ssize_t base_size = TensorBaseType.tp_basicsize;
  if (cls->tp_base != &TensorBaseType || !(cls->tp_flags & Py_TPFLAGS_HEAPTYPE) ||
      !(cls->tp_flags & Py_TPFLAGS_HAVE_GC) || !(cls->tp_flags & Py_TPFLAGS_MANAGED_DICT) ||
      cls->tp_itemsize != 0 || cls->tp_weaklistoffset != base_size ||
      cls->tp_basicsize != base_size + Py_ssize_t(sizeof(PyObject*)) || cls->tp_alloc != PyType_GenericAlloc ||
      cls->tp_free != PyObject_GC_Del || cls->tp_dealloc == tensor_class_dealloc || cls->tp_del)
    return false;
  PyObject* probe = cls->tp_alloc(cls, 0);  // an undefined tensor: freed by the generic path
  if (!probe) return false;
  bool ok = *managed_values(probe) == nullptr && *managed_dict(probe) == nullptr &&
            PyObject_SetAttrString(probe, "_janus_probe", Py_None) == 0;
  PyObject* dict = ok ? PyObject_GenericGetDict(probe, nullptr) : nullptr;
  ok = ok && dict && *managed_dict(probe) == dict && *managed_values(probe) == nullptr;
  Py_XDECREF(dict);
  Py_DECREF(probe);
  PyErr_Clear();
  return ok;
}

bool set_tensor_class_object(PyTypeObject* cls) {
  Py_INCREF(cls);
  tensor_class = cls;
  tensor_class_direct = false;
  if (layout_known(cls)) {
    generic_dealloc = cls->tp_dealloc;
    weaklist_offset = cls->tp_weaklistoffset;
    cls->tp_dealloc = tensor_class_dealloc;
    tensor_class_direct = true;
  }
  return true;
}

}  // namespace janus::py
