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
  // Whether calls to this code may run inline in the caller's loop (the hook's policy
  // gives its frames to the VM; library code only while the JIT records: vm.h, Gate):
  // asked of the entry gate once, on the first such call.
  enum class Inline : unsigned char { Unknown, Yes, No, WhileRecording } inline_calls =
      Inline::Unknown;
  unsigned long long inlined_entries = 0;  // frames started inline (they skip the hook)
  // Set for every code object the VM runs (null only with `fallback`): the dispatch loop
  // records without checking it.
  profiles::CodeProfile* profile = nullptr;
  void* jit_state = nullptr;  // the JIT's, opaque to vm (vm.h: jit_slot)
};

// Sets up the co_extra slot. Call once at initialization.
bool init_code_info(bool log_vm);
// The state of `code`, created (and the code scanned) on first use; nullptr on failure.
CodeInfo* code_info(PyCodeObject* code);
// code_info() without the call for code that already has its state: CPython 3.11 keeps
// co_extra as this layout (Objects/codeobject.c, private), and the lookup sits on every
// inline call and return.
struct CodeExtraLayout {
  Py_ssize_t size;
  void* extras[1];
};
extern Py_ssize_t g_code_info_index;
// The state of `code` if it has one already, else nullptr. Only once init_code_info
// succeeded (the index is then >= 0; the hook is installed only after it).
[[gnu::always_inline]] inline CodeInfo* existing_code_info(PyCodeObject* code) {
  auto* extra = static_cast<CodeExtraLayout*>(code->co_extra);
  if (extra != nullptr && g_code_info_index < extra->size) {
    return static_cast<CodeInfo*>(extra->extras[g_code_info_index]);
  }
  return nullptr;
}
[[gnu::always_inline]] inline CodeInfo* cached_code_info(PyCodeObject* code) {
  CodeInfo* info = existing_code_info(code);
  return info != nullptr ? info : code_info(code);
}
// The first opcode (after deoptimization) in `code` that tier 0 does not implement, or -1.
int find_unsupported_opcode(PyCodeObject* code);

}  // namespace janus::vm
