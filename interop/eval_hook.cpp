// cpython_internal.h first: it defines Py_BUILD_CORE before Python.h is seen.
#include "common/cpython_internal.h"

#include <string>
#include <vector>

#include "interop/eval_hook.h"
#include "interop/tensor_describer.h"
#include "vm/code_info.h"
#include "vm/getattr.h"
#include "vm/vm.h"

namespace janus::interop {

namespace {

// ---------------------------------------------------------------------------------------
// Per-code-object state, kept with _PyCode_SetExtra so it lives and dies with the code.

// Library: CPython evaluates the frames the hook sees, but a JIT recording may run (and a
// trace inline) calls of it (vm.h: Gate).
enum class Selection : unsigned char { Unknown, Janus, CPython, Library };

struct CodeState {
  Selection selection = Selection::Unknown;
  unsigned long long entries = 0;  // frames of this code that entered the hook
  janus::vm::CodeInfo* vm = nullptr;  // tier 0's state for this code (owned by vm/)
};

struct HookState {
  bool installed = false;
  FramePolicy policy = FramePolicy::Default;
  Py_ssize_t extra_index = -1;
  std::string janus_dir;                   // .../python/janus/
  std::vector<std::string> library_dirs;   // stdlib and site-packages folders
  unsigned long long frames = 0;           // frames that entered the hook
  unsigned long long frames_selected = 0;  // of those, selected by the policy
  unsigned long long frames_traced = 0;    // passed through because tracing was on
};

HookState g_hook;

void free_code_state(void* state) { delete static_cast<CodeState*>(state); }

bool starts_with(const std::string& s, const std::string& prefix) {
  return !prefix.empty() && s.compare(0, prefix.size(), prefix) == 0;
}

// The default policy: the user's code and the janus package, not the standard library
// nor third-party packages, not frozen modules.
bool policy_selects_file(const std::string& filename) {
  if (starts_with(filename, g_hook.janus_dir)) return true;
  if (starts_with(filename, "<frozen ")) return false;
  for (const auto& dir : g_hook.library_dirs) {
    if (starts_with(filename, dir)) return false;
  }
  return true;
}

Selection decide(PyCodeObject* code) {
  switch (g_hook.policy) {
    case FramePolicy::All: return Selection::Janus;
    case FramePolicy::None: return Selection::CPython;
    case FramePolicy::Default: break;
  }
  const char* filename = PyUnicode_AsUTF8(code->co_filename);
  if (filename == nullptr) {
    PyErr_Clear();
    return Selection::CPython;
  }
  return policy_selects_file(filename) ? Selection::Janus : Selection::Library;
}

// First sight of `code`: decide and keep its state.
[[gnu::noinline]] CodeState* new_code_state(PyCodeObject* code) {
  auto* state = new CodeState;
  state->selection = decide(code);
  if (_PyCode_SetExtra(reinterpret_cast<PyObject*>(code), g_hook.extra_index, state) < 0) {
    PyErr_Clear();
    delete state;
    return nullptr;
  }
  return state;
}

// The state of `code`, read from co_extra in place as vm/code_info.h does (the hook runs on
// every frame; _PyCode_GetExtra's checks cost more than the read), created on first use.
CodeState* code_state(PyCodeObject* code) {
  auto* extra = static_cast<janus::vm::CodeExtraLayout*>(code->co_extra);
  if (extra != nullptr && g_hook.extra_index < extra->size &&
      extra->extras[g_hook.extra_index] != nullptr) {
    return static_cast<CodeState*>(extra->extras[g_hook.extra_index]);
  }
  return new_code_state(code);
}

// ---------------------------------------------------------------------------------------
// The hook itself.

PyObject* janus_eval_frame(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag) {
  ++g_hook.frames;
  // Debuggers, coverage and profilers see CPython's own evaluator: their events stay exact.
  if (tstate->cframe->use_tracing || tstate->c_tracefunc != nullptr ||
      tstate->c_profilefunc != nullptr) {
    ++g_hook.frames_traced;
    return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
  }
  CodeState* state = code_state(frame->f_code);
  if (state != nullptr) {
    ++state->entries;
    if (state->selection == Selection::Janus) ++g_hook.frames_selected;
  }
  // Tier 0 (vm/) evaluates the frames the policy selects; it hands code it cannot run
  // (an unimplemented opcode) back to CPython's evaluator itself.
  if (state != nullptr && state->selection == Selection::Janus) {
    return janus::vm::evaluate(tstate, frame, throwflag, &state->vm);
  }
  return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
}

// Tier 0 runs Python-to-Python calls inside its own loop when the hook would give the
// callee's frame to it (vm::set_entry_gate), and library code's while the JIT records; it
// asks this once per code object. Those frames never enter the hook: the counters below
// add the VM's count of them.
janus::vm::Gate janus_entry_gate(PyCodeObject* code) {
  CodeState* state = code_state(code);
  if (state == nullptr) return janus::vm::Gate::kCPython;
  switch (state->selection) {
    case Selection::Janus: return janus::vm::Gate::kVm;
    case Selection::Library: return janus::vm::Gate::kWhileRecording;
    default: return janus::vm::Gate::kCPython;
  }
}

// Folders that hold library code, from the initialized interpreter's sys.path and prefixes.
std::vector<std::string> find_library_dirs() {
  std::vector<std::string> dirs;
  auto add = [&](std::string dir) {
    if (dir.empty()) return;
    if (dir.back() != '/') dir += '/';
    dirs.push_back(std::move(dir));
  };
  const char* attrs[] = {"prefix", "base_prefix", "exec_prefix", "base_exec_prefix"};
  for (const char* attr : attrs) {
    PyObject* value = PySys_GetObject(attr);  // borrowed
    if (value != nullptr && PyUnicode_Check(value)) {
      add(std::string(PyUnicode_AsUTF8(value)) + "/lib/python3.11");
      add(std::string(PyUnicode_AsUTF8(value)) + "/lib/python3");
      add(std::string(PyUnicode_AsUTF8(value)) + "/local/lib/python3.11");
    }
  }
  PyObject* path = PySys_GetObject("path");  // borrowed
  if (path != nullptr && PyList_Check(path)) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(path); ++i) {
      PyObject* entry = PyList_GET_ITEM(path, i);
      if (!PyUnicode_Check(entry)) continue;
      std::string dir = PyUnicode_AsUTF8(entry);
      if (dir.find("-packages") != std::string::npos) add(dir);
    }
  }
  PyErr_Clear();
  return dirs;
}

// ---------------------------------------------------------------------------------------
// _janus_hook: introspection of the hook for tests and tools.

PyObject* hook_installed(PyObject*, PyObject*) { return PyBool_FromLong(g_hook.installed); }

PyObject* hook_policy(PyObject*, PyObject*) {
  switch (g_hook.policy) {
    case FramePolicy::All: return PyUnicode_FromString("all");
    case FramePolicy::None: return PyUnicode_FromString("none");
    case FramePolicy::Default: break;
  }
  return PyUnicode_FromString("default");
}

PyObject* hook_selects(PyObject*, PyObject* arg) {
  PyObject* code = arg;
  if (PyFunction_Check(arg)) code = PyFunction_GET_CODE(arg);
  if (!PyCode_Check(code)) {
    PyErr_Format(PyExc_TypeError, "selects() expects a code object or function, not %.100s",
                 Py_TYPE(arg)->tp_name);
    return nullptr;
  }
  if (!g_hook.installed) Py_RETURN_FALSE;
  return PyBool_FromLong(decide(reinterpret_cast<PyCodeObject*>(code)) == Selection::Janus);
}

PyObject* hook_entries(PyObject*, PyObject* arg) {
  PyObject* code = arg;
  if (PyFunction_Check(arg)) code = PyFunction_GET_CODE(arg);
  if (!PyCode_Check(code)) {
    PyErr_Format(PyExc_TypeError, "entries() expects a code object or function, not %.100s",
                 Py_TYPE(arg)->tp_name);
    return nullptr;
  }
  if (!g_hook.installed) return PyLong_FromLong(0);
  void* extra = nullptr;
  if (_PyCode_GetExtra(code, g_hook.extra_index, &extra) < 0) return nullptr;
  auto* state = static_cast<CodeState*>(extra);
  return PyLong_FromUnsignedLongLong((state ? state->entries : 0) +
                                     janus::vm::inlined_entries(reinterpret_cast<PyCodeObject*>(code)));
}

PyObject* hook_stats(PyObject*, PyObject*) {
  unsigned long long inlined = janus::vm::stats().inlined;  // frames that skipped the hook
  return Py_BuildValue("{s:K,s:K,s:K}", "frames", g_hook.frames + inlined, "frames_selected",
                       g_hook.frames_selected + inlined, "frames_traced", g_hook.frames_traced);
}

PyMethodDef hook_methods[] = {
    {"installed", hook_installed, METH_NOARGS, "Whether the Janus PEP 523 hook is installed."},
    {"policy", hook_policy, METH_NOARGS, "The frame policy in force (JANUS_VM)."},
    {"selects", hook_selects, METH_O, "Whether the policy gives frames of this code to Janus."},
    {"entries", hook_entries, METH_O, "How many frames of this code entered the hook."},
    {"stats", hook_stats, METH_NOARGS, "Counters of frames seen by the hook."},
    {"register_tensor_describer", reinterpret_cast<PyCFunction>(
         reinterpret_cast<void (*)(void)>(register_tensor_describer)),
     METH_FASTCALL, "register_tensor_describer(cls, capsule): profiles describe cls's instances."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef hook_module = {PyModuleDef_HEAD_INIT, "_janus_hook",
                           "Introspection of Janus's frame-evaluation hook.", -1, hook_methods};

PyObject* init_hook_module() { return PyModule_Create(&hook_module); }

}  // namespace

void install_eval_hook(FramePolicy policy, const char* janus_python_dir) {
  g_hook.policy = policy;
  g_hook.janus_dir = std::string(janus_python_dir) + "/janus/";
  g_hook.library_dirs = find_library_dirs();
  g_hook.extra_index = _PyEval_RequestCodeExtraIndex(free_code_state);
  if (g_hook.extra_index < 0) {
    PyErr_Clear();
    return;
  }
  if (!janus::vm::initialize() || !janus::vm::init_getattr()) {
    PyErr_Print();
    return;
  }
  _PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), janus_eval_frame);
  janus::vm::set_entry_gate(janus_entry_gate, janus_eval_frame);
  g_hook.installed = true;
}

void register_hook_module() {
  PyImport_AppendInittab("_janus_hook", init_hook_module);
  PyImport_AppendInittab("_janus_vm", janus::vm::init_test_module);
}

}  // namespace janus::interop
