// The C ABI between the _janus extension (which knows tensors) and janus-python's site
// profiles (which describe them): a capsule holding one function. Plain C types only, so the
// extension and the executable share no C++ types or libraries for it.
#pragma once

#include <Python.h>
#include <stdint.h>

extern "C" {

// Capsule name and ABI. `describe` fills the fields for a tensor and returns 1, or returns 0
// for an object it cannot describe. `shape` has room for `max_dims` sizes; `*ndim` is set to
// the tensor's real rank even when larger (then only the first max_dims sizes are written).
#define JANUS_TENSOR_DESCRIBE_CAPSULE "janus.tensor_describe_v1"
struct JanusTensorDescription {
  const char* dtype;   // static string, e.g. "float32"
  const char* device;  // static string, e.g. "cpu"
  int ndim;
  int64_t* shape;
  int max_dims;
  int requires_grad;
};
typedef int (*JanusTensorDescribeFn)(PyObject* value, JanusTensorDescription* out);
}
