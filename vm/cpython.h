// CPython 3.11 internals the VM needs. Include this first, not <Python.h>: the internal
// headers need Py_BUILD_CORE, and C11 atomics must be off in C++ (see shared PLATFORM.md).
#pragma once

#ifndef Py_BUILD_CORE
#define Py_BUILD_CORE 1
#endif
#include <Python.h>
#undef HAVE_STD_ATOMIC
#include <internal/pycore_frame.h>
#include <internal/pycore_code.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_pystate.h>
#include <internal/pycore_ceval.h>
#include <internal/pycore_runtime.h>
#include <internal/pycore_pyerrors.h>
#include <internal/pycore_dict.h>
#include <internal/pycore_list.h>
#include <internal/pycore_tuple.h>
#include <internal/pycore_abstract.h>
#include <internal/pycore_function.h>
#include <internal/pycore_genobject.h>
#include <internal/pycore_sliceobject.h>
#include <internal/pycore_object.h>
#include <internal/pycore_long.h>
#include <internal/pycore_moduleobject.h>
#include <opcode.h>

// Tables and helpers that live in the static libpython3.11.a but are not declared in the
// installed headers (or are declared only under NEED_OPCODE_TABLES / in C-only headers).
extern "C" {
extern const uint8_t _PyOpcode_Caches[256];
extern const uint8_t _PyOpcode_Deopt[256];
}
