// The one way Janus includes CPython 3.11's internal API (frames, code objects, the eval hook,
// opcode tables). Include this first, instead of <Python.h>, in any file that needs internals:
// the internal headers need Py_BUILD_CORE before Python.h is seen, and C11 atomics must be
// disabled in C++ (see shared PLATFORM.md). Header only: it adds no link dependency to common.
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
#include <opcode.h>

// Tables that live in the static libpython3.11.a but are declared only under
// NEED_OPCODE_TABLES, which g++ cannot compile.
extern "C" {
extern const uint8_t _PyOpcode_Caches[256];
extern const uint8_t _PyOpcode_Deopt[256];
}
