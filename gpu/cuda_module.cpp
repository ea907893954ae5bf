// _janus_cuda: the CUDA backend as an extension module, imported by janus.cuda on first use
// so that `import janus` needs no CUDA library. Importing it registers the CUDA kernels of
// registry ops; its functions are torch.cuda's (device count, memory stats, synchronize) and
// the stream / graph-capture hooks the capture test and, later, the graph tier use.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <cuda_runtime.h>

#include <cstring>

#include "gpu/cuda_ops_common.h"
#include "gpu/device.h"

namespace janus::gpu {
namespace {

#define JANUS_CUDA_TRY try {
#define JANUS_CUDA_CATCH                                                   \
  }                                                                        \
  catch (const std::exception& e) {                                        \
    PyErr_SetString(PyExc_RuntimeError, e.what());                         \
    return nullptr;                                                        \
  }

PyObject* device_count(PyObject*, PyObject*) { return PyLong_FromLong(device_info().device_count); }

// PyTorch's words for why CUDA cannot be used here.
PyObject* unavailable_reason(PyObject*, PyObject*) {
  const DeviceInfo& info = device_info();
  if (info.device_count > 0) Py_RETURN_NONE;
  return PyUnicode_FromString(info.reason.c_str());
}

PyObject* py_current_device(PyObject*, PyObject*) {
  JANUS_CUDA_TRY return PyLong_FromLong(current_device()); JANUS_CUDA_CATCH
}

PyObject* py_set_device(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  set_device(int(PyLong_AsLong(arg)));
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* device_name(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  cudaDeviceProp prop;
  cuda_check(cudaGetDeviceProperties(&prop, int(PyLong_AsLong(arg))), "get_device_name");
  return PyUnicode_FromString(prop.name);
  JANUS_CUDA_CATCH
}

PyObject* synchronize(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  DeviceGuard guard(int(PyLong_AsLong(arg)));
  cudaError_t e;
  Py_BEGIN_ALLOW_THREADS e = cudaDeviceSynchronize();
  Py_END_ALLOW_THREADS
  cuda_check(e, "synchronize");
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* memory_stat(PyObject*, PyObject* args) {
  int device;
  const char* name;
  if (!PyArg_ParseTuple(args, "is", &device, &name)) return nullptr;
  JANUS_CUDA_TRY
  const AllocatorStats& s = allocator(device).stats();
  size_t v = !std::strcmp(name, "allocated") ? s.allocated : !std::strcmp(name, "max_allocated") ? s.max_allocated
             : !std::strcmp(name, "reserved") ? s.reserved : s.max_reserved;
  return PyLong_FromSize_t(v);
  JANUS_CUDA_CATCH
}

PyObject* reset_peak(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  allocator(int(PyLong_AsLong(arg))).reset_peak();
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* empty_cache(PyObject*, PyObject*) {
  JANUS_CUDA_TRY
  for (int d = 0; d < device_info().device_count; ++d) allocator(d).empty_cache();
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* set_allow_tf32(PyObject*, PyObject* arg) {
  g_allow_tf32 = PyObject_IsTrue(arg);
  Py_RETURN_NONE;
}

// ---- streams and graph capture (handles are the CUDA objects' addresses as ints) ----------
PyObject* stream_create(PyObject*, PyObject*) {
  JANUS_CUDA_TRY
  cudaStream_t s;
  cuda_check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
  return PyLong_FromVoidPtr(s);
  JANUS_CUDA_CATCH
}

// Makes `stream` the current stream of the current device; returns the previous one.
PyObject* set_stream(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  int d = current_device();
  void* previous = current_stream(d);
  set_current_stream(d, PyLong_AsVoidPtr(arg));
  return PyLong_FromVoidPtr(previous);
  JANUS_CUDA_CATCH
}

PyObject* stream_synchronize(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  cuda_check(cudaStreamSynchronize(static_cast<cudaStream_t>(PyLong_AsVoidPtr(arg))), "cudaStreamSynchronize");
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

// Relaxed mode: the caching allocator may still cudaMalloc while a capture is under way.
PyObject* capture_begin(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  cuda_check(cudaStreamBeginCapture(static_cast<cudaStream_t>(PyLong_AsVoidPtr(arg)), cudaStreamCaptureModeRelaxed),
             "cudaStreamBeginCapture");
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* capture_end(PyObject*, PyObject* arg) {
  JANUS_CUDA_TRY
  cudaGraph_t graph;
  cuda_check(cudaStreamEndCapture(static_cast<cudaStream_t>(PyLong_AsVoidPtr(arg)), &graph), "cudaStreamEndCapture");
  cudaGraphExec_t exec;
  cuda_check(cudaGraphInstantiate(&exec, graph, 0), "cudaGraphInstantiate");
  cudaGraphDestroy(graph);
  return PyLong_FromVoidPtr(exec);
  JANUS_CUDA_CATCH
}

PyObject* graph_replay(PyObject*, PyObject* args) {
  PyObject *g, *s;
  if (!PyArg_ParseTuple(args, "OO", &g, &s)) return nullptr;
  JANUS_CUDA_TRY
  cuda_check(cudaGraphLaunch(static_cast<cudaGraphExec_t>(PyLong_AsVoidPtr(g)),
                             static_cast<cudaStream_t>(PyLong_AsVoidPtr(s))),
             "cudaGraphLaunch");
  Py_RETURN_NONE;
  JANUS_CUDA_CATCH
}

PyObject* graph_destroy(PyObject*, PyObject* arg) {
  cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(PyLong_AsVoidPtr(arg)));
  Py_RETURN_NONE;
}

PyMethodDef functions[] = {
    {"device_count", device_count, METH_NOARGS, nullptr},
    {"unavailable_reason", unavailable_reason, METH_NOARGS, nullptr},
    {"current_device", py_current_device, METH_NOARGS, nullptr},
    {"set_device", py_set_device, METH_O, nullptr},
    {"device_name", device_name, METH_O, nullptr},
    {"synchronize", synchronize, METH_O, nullptr},
    {"memory_stat", memory_stat, METH_VARARGS, nullptr},
    {"reset_peak", reset_peak, METH_O, nullptr},
    {"empty_cache", empty_cache, METH_NOARGS, nullptr},
    {"set_allow_tf32", set_allow_tf32, METH_O, nullptr},
    {"_stream_create", stream_create, METH_NOARGS, nullptr},
    {"_set_stream", set_stream, METH_O, nullptr},
    {"_stream_synchronize", stream_synchronize, METH_O, nullptr},
    {"_capture_begin", capture_begin, METH_O, nullptr},
    {"_capture_end", capture_end, METH_O, nullptr},
    {"_graph_replay", graph_replay, METH_VARARGS, nullptr},
    {"_graph_destroy", graph_destroy, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_janus_cuda", nullptr, -1, functions};

}  // namespace
}  // namespace janus::gpu

PyMODINIT_FUNC PyInit__janus_cuda() {
  using namespace janus::gpu;
  register_autograd_ops();
  register_copy_ops();
  PyObject* module = PyModule_Create(&module_def);
  if (module && !add_stream_functions(module)) Py_CLEAR(module);
  return module;
}
