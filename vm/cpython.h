// CPython 3.11 internals the VM needs, on top of common/cpython_internal.h (which sets up
// Py_BUILD_CORE and the opcode tables). Include this first, not <Python.h>.
#pragma once

#include "common/cpython_internal.h"

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

