// The PEP 523 hook: every Python frame of the process enters here, and the frame policy
// decides whether Janus evaluates it or CPython's own evaluator does.
#pragma once

#include <Python.h>

namespace janus::interop {

// Which frames Janus evaluates (JANUS_VM).
enum class FramePolicy { Default, All, None };

// Installs the hook on the current interpreter. Call once, after Py_Initialize, with the
// GIL held. `janus_python_dir` is the folder holding the janus package.
void install_eval_hook(FramePolicy policy, const char* janus_python_dir);

// Registers the `_janus_hook` built-in module (introspection for tests and tools).
// Must be called before Py_Initialize.
void register_hook_module();

}  // namespace janus::interop
