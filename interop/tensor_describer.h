// Tells the site profiles what a tensor is (dtype, shape, device, requires_grad).
//
// The tensor type lives in the _janus extension module, which janus-python loads like any
// other extension; the two share no C++ types. _janus exports a capsule holding a plain C
// function (the ABI below), and the janus package hands it, with each tensor class, to
// `_janus_hook.register_tensor_describer(cls, capsule)` when it runs under janus-python.
#pragma once

#include <Python.h>

#include "interop/tensor_describe_abi.h"

namespace janus::interop {

// `_janus_hook.register_tensor_describer(cls, capsule)`.
PyObject* register_tensor_describer(PyObject* self, PyObject* const* args, Py_ssize_t nargs);

}  // namespace janus::interop
