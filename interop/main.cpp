// janus-python: CPython 3.11 with Janus owning frame evaluation.
//
// The command line is CPython's own (parsed by PyConfig exactly as python3.11 parses it), so
// scripts, -c, -m, -i, stdin, exit codes and tracebacks behave the same. Janus adds only its
// JANUS_* options (environment or -X janus-...), validated before anything runs.

#include <Python.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include "common/options.h"
#include "interop/eval_hook.h"
#include "jit/jit.h"

namespace {

std::string executable_path(const char* argv0) {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n > 0) return std::string(buffer, static_cast<size_t>(n));
  char* resolved = realpath(argv0, nullptr);
  std::string path = resolved ? resolved : argv0;
  free(resolved);
  return path;
}

std::string dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

[[noreturn]] void option_error(const std::string& message) {
  std::fprintf(stderr, "janus-python: %s\n", message.c_str());
  std::exit(2);
}

// JANUS_* from the environment, then -X janus-... from the parsed command line.
void read_janus_options(const PyConfig& config) {
  janus::Options& opts = janus::options();
  for (const auto& spec : janus::option_table()) {
    std::string name(spec.env_name);
    if (const char* value = std::getenv(name.c_str())) {
      if (auto error = opts.set(spec.id, value)) option_error(*error);
    }
  }
  for (Py_ssize_t i = 0; i < config.xoptions.length; ++i) {
    std::wstring wide = config.xoptions.items[i];
    std::string xoption(wide.begin(), wide.end());
    if (xoption.rfind("janus-", 0) != 0) continue;
    std::string key = xoption.substr(0, xoption.find('='));
    std::string value = xoption.find('=') == std::string::npos
                            ? std::string()
                            : xoption.substr(xoption.find('=') + 1);
    bool known = false;
    for (const auto& spec : janus::option_table()) {
      if (janus::option_xname(spec) == key) {
        known = true;
        if (auto error = opts.set(spec.id, value)) {
          option_error("-X " + key + ": " + *error);
        }
      }
    }
    if (!known) {
      std::string names;
      for (const auto& spec : janus::option_table()) {
        names += (names.empty() ? "" : ", ") + janus::option_xname(spec);
      }
      option_error("-X " + key + " is not a Janus option (known: " + names + ")");
    }
  }
}

janus::interop::FramePolicy frame_policy() {
  const std::string& vm = janus::options().get(janus::OptionId::Vm);
  if (vm == "all") return janus::interop::FramePolicy::All;
  if (vm == "none") return janus::interop::FramePolicy::None;
  return janus::interop::FramePolicy::Default;
}

// Puts the folder holding the janus package first among library paths, after the script's
// own folder (which Py_RunMain inserts at sys.path[0] later).
void add_janus_path(const std::string& python_dir) {
  if (access(python_dir.c_str(), F_OK) != 0) return;
  PyObject* path = PySys_GetObject("path");  // borrowed
  if (path == nullptr || !PyList_Check(path)) return;
  PyObject* dir = PyUnicode_DecodeFSDefault(python_dir.c_str());
  if (dir != nullptr) PyList_Insert(path, 0, dir);
  Py_XDECREF(dir);
  PyErr_Clear();
}

// `import torch` resolves to Janus unless JANUS_TORCH=real (python/_janus_torch_alias.py).
void install_torch_alias(const std::string& python_dir) {
  if (janus::options().get(janus::OptionId::Torch) != "janus") return;
  if (access((python_dir + "/_janus_torch_alias.py").c_str(), F_OK) != 0) return;
  PyObject* module = PyImport_ImportModule("_janus_torch_alias");
  if (module == nullptr) {
    PyErr_Print();  // a broken alias must not stop the script; torch then imports as usual
  }
  Py_XDECREF(module);
}

int exit_with(PyStatus status) {
  if (PyStatus_IsExit(status)) return status.exitcode;
  Py_ExitStatusException(status);  // prints the error as python3.11 does, then exits
}

}  // namespace

int main(int argc, char** argv) {
  // Pre-initialization reads -E, -I, -X utf8 and -X dev from argv, as python3.11's main does.
  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);
  PyStatus status = Py_PreInitializeFromBytesArgs(&preconfig, argc, argv);
  if (PyStatus_Exception(status)) return exit_with(status);

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  const std::string exe = executable_path(argv[0]);
  const std::string python_dir = dirname(exe) + "/python";

  status = PyConfig_SetBytesArgv(&config, argc, argv);
  if (!PyStatus_Exception(status)) {
    status = PyConfig_SetBytesString(&config, &config.executable, exe.c_str());
  }
  if (!PyStatus_Exception(status)) status = PyConfig_Read(&config);
  if (PyStatus_Exception(status)) {
    PyConfig_Clear(&config);
    return exit_with(status);
  }
  read_janus_options(config);

  janus::interop::register_hook_module();
  PyImport_AppendInittab("_janus_jit", janus::jit::init_test_module);
  status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return exit_with(status);

  add_janus_path(python_dir);
  install_torch_alias(python_dir);
  janus::interop::install_eval_hook(frame_policy(), python_dir.c_str());
  // Tier 1 hangs off tier 0's hooks; JANUS_JIT=off leaves tier 0 alone.
  if (janus::options().get(janus::OptionId::Jit) == "on") janus::jit::install();
  return Py_RunMain();
}
