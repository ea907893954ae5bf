// Include this, not <Python.h>, in files that need CPython 3.11's internal API
// (frames, code extras, eval hook). See docs/platform-notes in ../shared/PLATFORM.md:
// the internal headers need Py_BUILD_CORE, and C11 atomics must be disabled in C++.
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
