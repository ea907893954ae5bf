// The dispatch loop (eval.cpp). Internal to vm/: callers go through vm.h.
#pragma once

#include "vm/cpython.h"

namespace janus::vm {

struct CodeInfo;

// Runs `frame` from frame->prev_instr + 1 on its current value stack. `info` is the code's
// VM state (never a fallback code object).
PyObject* run_frame(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                    CodeInfo* info);

}  // namespace janus::vm
