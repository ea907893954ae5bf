// Per-code-object VM state, kept in the code object's co_extra slot so that it lives and
// dies with the code: whether the VM can run it (every opcode implemented) and its profile.
#pragma once

#include "vm/cpython.h"

namespace janus::profiles {
struct CodeProfile;
}

namespace janus::vm {

struct CodeInfo {
  bool fallback = false;  // holds an opcode the VM lacks: CPython evaluates it, always
  profiles::CodeProfile* profile = nullptr;
  void* jit_state = nullptr;  // the JIT's, opaque to vm (vm.h: jit_slot)
};

// Sets up the co_extra slot. Call once at initialization.
bool init_code_info(bool log_vm);
// The state of `code`, created (and the code scanned) on first use; nullptr on failure.
CodeInfo* code_info(PyCodeObject* code);
// The first opcode (after deoptimization) in `code` that tier 0 does not implement, or -1.
int find_unsupported_opcode(PyCodeObject* code);

}  // namespace janus::vm
