// The small Python types around tensors: dtype objects, UntypedStorage (a byte buffer with the
// buffer protocol, for serialization) and graph nodes (grad_fn).
#include "interop/tensor_module/python_api.h"

namespace janus::py {

// ---- dtypes -----------------------------------------------------------------------------------------
PyTypeObject DTypeType = {PyVarObject_HEAD_INIT(nullptr, 0)};
static PyObject* g_dtypes[kNumDTypes];

PyObject* dtype_object(DType d) { return g_dtypes[int(d)]; }

static PyObject* dtype_repr(PyObject* self) {
  return PyUnicode_FromFormat("torch.%s", dtype_name(reinterpret_cast<DTypeObject*>(self)->dtype));
}
static PyObject* dtype_is_floating(PyObject* self, void*) {
  return PyBool_FromLong(is_floating(reinterpret_cast<DTypeObject*>(self)->dtype));
}
static PyObject* dtype_itemsize(PyObject* self, void*) {
  return PyLong_FromSize_t(dtype_size(reinterpret_cast<DTypeObject*>(self)->dtype));
}
static PyObject* dtype_reduce(PyObject* self, PyObject*) {
  return PyUnicode_FromString(dtype_name(reinterpret_cast<DTypeObject*>(self)->dtype));
}
static PyGetSetDef dtype_getset[] = {{"is_floating_point", dtype_is_floating, nullptr, nullptr, nullptr},
                                     {"itemsize", dtype_itemsize, nullptr, nullptr, nullptr},
                                     {nullptr}};
static PyMethodDef dtype_methods[] = {{"__reduce__", dtype_reduce, METH_NOARGS, nullptr}, {nullptr}};

bool init_dtype_type(PyObject* module) {
  DTypeType.tp_name = "janus.dtype";
  DTypeType.tp_basicsize = sizeof(DTypeObject);
  DTypeType.tp_flags = Py_TPFLAGS_DEFAULT;
  DTypeType.tp_repr = dtype_repr;
  DTypeType.tp_getset = dtype_getset;
  DTypeType.tp_methods = dtype_methods;
  if (PyType_Ready(&DTypeType) < 0) return false;
  Py_INCREF(&DTypeType);
  PyModule_AddObject(module, "dtype", (PyObject*)&DTypeType);
  for (int i = 0; i < kNumDTypes; ++i) {
    DTypeObject* d = PyObject_New(DTypeObject, &DTypeType);
    d->dtype = DType(i);
    g_dtypes[i] = (PyObject*)d;
    Py_INCREF(d);
    PyModule_AddObject(module, dtype_name(DType(i)), (PyObject*)d);
  }
  return true;
}

// ---- UntypedStorage -----------------------------------------------------------------------------------
struct StorageObject {
  PyObject_HEAD
  Ref<Storage> storage;
};
static PyTypeObject StorageType = {PyVarObject_HEAD_INIT(nullptr, 0)};

PyObject* wrap_storage(const Ref<Storage>& s) {
  StorageObject* o = PyObject_New(StorageObject, &StorageType);
  new (&o->storage) Ref<Storage>(s);
  return (PyObject*)o;
}
bool storage_unwrap(PyObject* o, Ref<Storage>* out) {
  if (!PyObject_TypeCheck(o, &StorageType)) return false;
  *out = reinterpret_cast<StorageObject*>(o)->storage;
  return true;
}
static void storage_dealloc(PyObject* self) {
  reinterpret_cast<StorageObject*>(self)->storage.~Ref<Storage>();
  PyObject_Free(self);
}
static PyObject* storage_new(PyTypeObject*, PyObject* args, PyObject*) {
  Py_ssize_t n = 0;
  if (!PyArg_ParseTuple(args, "|n", &n)) return nullptr;
  Ref<Storage> s = Storage::allocate(size_t(n));
  std::memset(s->data, 0, size_t(n));
  return wrap_storage(s);
}
#define STORAGE (reinterpret_cast<StorageObject*>(self)->storage)
static PyObject* storage_nbytes(PyObject* self, PyObject*) { return PyLong_FromSize_t(STORAGE->nbytes); }
static PyObject* storage_data_ptr(PyObject* self, PyObject*) { return PyLong_FromVoidPtr(STORAGE->data); }
static Py_ssize_t storage_len(PyObject* self) { return Py_ssize_t(STORAGE->nbytes); }
static int storage_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  return PyBuffer_FillInfo(view, self, STORAGE->data, Py_ssize_t(STORAGE->nbytes), 0, flags);
}
// UntypedStorage.from_buffer(bytes-like): a new storage holding a copy of the bytes.
static PyObject* storage_from_buffer(PyObject*, PyObject* arg) {
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0) return nullptr;
  Ref<Storage> s = Storage::allocate(size_t(buf.len));
  std::memcpy(s->data, buf.buf, size_t(buf.len));
  PyBuffer_Release(&buf);
  return wrap_storage(s);
}
static PyObject* storage_device(PyObject*, void*) { return PyUnicode_FromString("cpu"); }
static PyMethodDef storage_methods[] = {
    {"nbytes", storage_nbytes, METH_NOARGS, nullptr},
    {"size", storage_nbytes, METH_NOARGS, nullptr},
    {"data_ptr", storage_data_ptr, METH_NOARGS, nullptr},
    {"from_buffer", storage_from_buffer, METH_O | METH_STATIC, nullptr},
    {nullptr}};
static PyGetSetDef storage_getset[] = {{"device_type", storage_device, nullptr, nullptr, nullptr}, {nullptr}};
static PySequenceMethods storage_seq = {storage_len};
static PyBufferProcs storage_buffer = {storage_getbuffer, nullptr};

bool init_storage_type(PyObject* module) {
  StorageType.tp_name = "janus.UntypedStorage";
  StorageType.tp_basicsize = sizeof(StorageObject);
  StorageType.tp_flags = Py_TPFLAGS_DEFAULT;
  StorageType.tp_dealloc = storage_dealloc;
  StorageType.tp_new = storage_new;
  StorageType.tp_methods = storage_methods;
  StorageType.tp_getset = storage_getset;
  StorageType.tp_as_sequence = &storage_seq;
  StorageType.tp_as_buffer = &storage_buffer;
  if (PyType_Ready(&StorageType) < 0) return false;
  Py_INCREF(&StorageType);
  PyModule_AddObject(module, "UntypedStorage", (PyObject*)&StorageType);
  return true;
}

// ---- graph nodes (grad_fn) -----------------------------------------------------------------------------
struct NodeObject {
  PyObject_HEAD
  Ref<Node> node;
};
static PyTypeObject NodeType = {PyVarObject_HEAD_INIT(nullptr, 0)};

PyObject* wrap_node(const Ref<Node>& n) {
  NodeObject* o = PyObject_New(NodeObject, &NodeType);
  new (&o->node) Ref<Node>(n);
  return (PyObject*)o;
}
static void node_dealloc(PyObject* self) {
  reinterpret_cast<NodeObject*>(self)->node.~Ref<Node>();
  PyObject_Free(self);
}
#define NODE (reinterpret_cast<NodeObject*>(self)->node)
static PyObject* node_repr(PyObject* self) { return PyUnicode_FromFormat("<%s object at %p>", NODE->name, self); }
static PyObject* node_name(PyObject* self, PyObject*) { return PyUnicode_FromString(NODE->name); }
static PyObject* node_next(PyObject* self, void*) {
  PyObject* t = PyTuple_New(Py_ssize_t(NODE->next.size()));
  for (size_t i = 0; i < NODE->next.size(); ++i) {
    const Edge& e = NODE->next[i];
    PyObject* fn = e.fn ? wrap_node(e.fn) : (Py_INCREF(Py_None), Py_None);
    PyTuple_SET_ITEM(t, i, Py_BuildValue("(Ni)", fn, int(e.input_nr)));
  }
  return t;
}
static PyObject* node_variable(PyObject* self, void*) {
  if (!NODE->leaf) { PyErr_SetString(PyExc_AttributeError, "variable"); return nullptr; }
  return wrap(Tensor(NODE->leaf));
}
static PyObject* node_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(b, &NodeType) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
  bool same = reinterpret_cast<NodeObject*>(a)->node == reinterpret_cast<NodeObject*>(b)->node;
  return PyBool_FromLong(op == Py_EQ ? same : !same);
}
static Py_hash_t node_hash(PyObject* self) { return _Py_HashPointer(NODE.get()); }
static PyMethodDef node_methods[] = {{"name", node_name, METH_NOARGS, nullptr}, {nullptr}};
static PyGetSetDef node_getset[] = {{"next_functions", node_next, nullptr, nullptr, nullptr},
                                    {"variable", node_variable, nullptr, nullptr, nullptr},
                                    {nullptr}};

bool init_node_type(PyObject* module) {
  NodeType.tp_name = "janus.autograd.Node";
  NodeType.tp_basicsize = sizeof(NodeObject);
  NodeType.tp_flags = Py_TPFLAGS_DEFAULT;
  NodeType.tp_dealloc = node_dealloc;
  NodeType.tp_repr = node_repr;
  NodeType.tp_methods = node_methods;
  NodeType.tp_getset = node_getset;
  NodeType.tp_richcompare = node_richcompare;
  NodeType.tp_hash = node_hash;
  if (PyType_Ready(&NodeType) < 0) return false;
  Py_INCREF(&NodeType);
  PyModule_AddObject(module, "_Node", (PyObject*)&NodeType);
  return true;
}

}  // namespace janus::py
