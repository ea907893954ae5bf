// Scanning code objects on first entry: an instruction tier 0 does not implement sends the
// whole code object to CPython's evaluator forever, with one JANUS_LOG=vm line. Running such
// code would be a bug; handing it over keeps results identical.
#include "vm/code_info.h"

#include <cstdio>

#include "profiles/profile.h"
#include "vm/vm.h"

namespace janus::vm {

namespace {

bool g_log_vm = false;

void (*g_jit_state_destructor)(void*) = nullptr;

// CPython calls this for every registered index of a dying code object, set or not.
void free_code_info(void* data) {
  auto* info = static_cast<CodeInfo*>(data);
  if (info == nullptr) return;
  if (info->jit_state != nullptr && g_jit_state_destructor != nullptr) {
    g_jit_state_destructor(info->jit_state);
  }
  if (info->profile != nullptr) profiles::destroy_profile(info->profile);
  delete info;
}

bool implemented(int opcode) {
  switch (opcode) {
#define VM_OPCODE(name) case name:
#include "vm/opcodes.def"
#undef VM_OPCODE
    return true;
    default:
      return false;
  }
}

}  // namespace

void** jit_slot(PyCodeObject* code) {
  CodeInfo* info = code_info(code);
  return info != nullptr && !info->fallback ? &info->jit_state : nullptr;
}

void set_jit_slot_destructor(void (*destroy)(void*)) { g_jit_state_destructor = destroy; }

Py_ssize_t g_code_info_index = -1;

bool init_code_info(bool log_vm) {
  g_log_vm = log_vm;
  g_code_info_index = _PyEval_RequestCodeExtraIndex(free_code_info);
  if (g_code_info_index < 0) {
    PyErr_Clear();
    return false;
  }
  return true;
}

int find_unsupported_opcode(PyCodeObject* code) {
  _Py_CODEUNIT* instr = _PyCode_CODE(code);
  Py_ssize_t n = Py_SIZE(code);
  for (Py_ssize_t i = 0; i < n;) {
    int opcode = _PyOpcode_Deopt[_Py_OPCODE(instr[i])];
    if (opcode == 0 && _Py_OPCODE(instr[i]) != 0) opcode = _Py_OPCODE(instr[i]);
    if (!implemented(opcode)) return opcode;
    i += 1 + _PyOpcode_Caches[opcode];
  }
  return -1;
}

CodeInfo* code_info(PyCodeObject* code) {
  void* extra = nullptr;
  if (_PyCode_GetExtra(reinterpret_cast<PyObject*>(code), g_code_info_index, &extra) < 0) {
    PyErr_Clear();
    return nullptr;
  }
  if (extra != nullptr) return static_cast<CodeInfo*>(extra);
  auto* info = new CodeInfo;
  int unsupported = find_unsupported_opcode(code);
  if (unsupported >= 0) {
    info->fallback = true;
    if (g_log_vm) {
      std::fprintf(stderr,
                   "janus[vm]: opcode %d not implemented in %s (%s:%d); CPython evaluates it\n",
                   unsupported, PyUnicode_AsUTF8(code->co_qualname),
                   PyUnicode_AsUTF8(code->co_filename), code->co_firstlineno);
    }
  } else {
    info->profile = profiles::create_profile(code);
  }
  if (_PyCode_SetExtra(reinterpret_cast<PyObject*>(code), g_code_info_index, info) < 0) {
    PyErr_Clear();
    free_code_info(info);
    return nullptr;
  }
  return info;
}

}  // namespace janus::vm
