// torch.cuda.Stream / Event's C side, added to _janus_cuda: streams and events are plain
// handles (Python ints) that janus.cuda wraps. Every call names its CUDA function in errors.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <cuda_runtime.h>

#include "gpu/cuda_ops_common.h"

namespace janus::gpu {
namespace {

template <class F>
PyObject* guarded(F f) {
  try {
    return f();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    return nullptr;
  }
}
cudaStream_t stream_of(PyObject* o) { return static_cast<cudaStream_t>(PyLong_AsVoidPtr(o)); }
cudaEvent_t event_of(PyObject* o) { return static_cast<cudaEvent_t>(PyLong_AsVoidPtr(o)); }

// The current stream of the current device (0: the legacy default stream).
PyObject* current(PyObject*, PyObject*) {
  return guarded([] { return PyLong_FromVoidPtr(current_stream(current_device())); });
}

PyObject* stream_query(PyObject*, PyObject* s) {
  return guarded([s] {
    cudaError_t r = cudaStreamQuery(stream_of(s));
    if (r == cudaErrorNotReady) { cudaGetLastError(); Py_RETURN_FALSE; }
    cuda_check(r, "cudaStreamQuery");
    Py_RETURN_TRUE;
  });
}

PyObject* stream_wait_event(PyObject*, PyObject* args) {
  PyObject *s, *e;
  if (!PyArg_ParseTuple(args, "OO", &s, &e)) return nullptr;
  return guarded([s, e] {
    cuda_check(cudaStreamWaitEvent(stream_of(s), event_of(e), 0), "cudaStreamWaitEvent");
    Py_RETURN_NONE;
  });
}

// _event_create(enable_timing, blocking) -> handle
PyObject* event_create(PyObject*, PyObject* args) {
  int timing = 0, blocking = 0;
  if (!PyArg_ParseTuple(args, "pp", &timing, &blocking)) return nullptr;
  return guarded([timing, blocking] {
    unsigned flags = (timing ? cudaEventDefault : cudaEventDisableTiming) | (blocking ? cudaEventBlockingSync : 0);
    cudaEvent_t e;
    cuda_check(cudaEventCreateWithFlags(&e, flags), "cudaEventCreate");
    return PyLong_FromVoidPtr(e);
  });
}

PyObject* event_destroy(PyObject*, PyObject* e) {
  cudaEventDestroy(event_of(e));
  Py_RETURN_NONE;
}

PyObject* event_record(PyObject*, PyObject* args) {
  PyObject *e, *s;
  if (!PyArg_ParseTuple(args, "OO", &e, &s)) return nullptr;
  return guarded([e, s] {
    cuda_check(cudaEventRecord(event_of(e), stream_of(s)), "cudaEventRecord");
    Py_RETURN_NONE;
  });
}

PyObject* event_synchronize(PyObject*, PyObject* e) {
  return guarded([e] {
    cuda_check(cudaEventSynchronize(event_of(e)), "cudaEventSynchronize");
    Py_RETURN_NONE;
  });
}

PyObject* event_query(PyObject*, PyObject* e) {
  return guarded([e] {
    cudaError_t r = cudaEventQuery(event_of(e));
    if (r == cudaErrorNotReady) { cudaGetLastError(); Py_RETURN_FALSE; }
    cuda_check(r, "cudaEventQuery");
    Py_RETURN_TRUE;
  });
}

PyObject* event_elapsed(PyObject*, PyObject* args) {
  PyObject *start, *end;
  if (!PyArg_ParseTuple(args, "OO", &start, &end)) return nullptr;
  return guarded([start, end] {
    float ms = 0;
    cuda_check(cudaEventElapsedTime(&ms, event_of(start), event_of(end)), "cudaEventElapsedTime");
    return PyFloat_FromDouble(ms);
  });
}

PyMethodDef functions[] = {
    {"_current_stream", current, METH_NOARGS, nullptr},
    {"_stream_query", stream_query, METH_O, nullptr},
    {"_stream_wait_event", stream_wait_event, METH_VARARGS, nullptr},
    {"_event_create", event_create, METH_VARARGS, nullptr},
    {"_event_destroy", event_destroy, METH_O, nullptr},
    {"_event_record", event_record, METH_VARARGS, nullptr},
    {"_event_synchronize", event_synchronize, METH_O, nullptr},
    {"_event_query", event_query, METH_O, nullptr},
    {"_event_elapsed", event_elapsed, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

bool add_stream_functions(PyObject* module) { return PyModule_AddFunctions(module, functions) == 0; }

}  // namespace janus::gpu
