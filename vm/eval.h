// The dispatch loop (eval.cpp). Internal to vm/: callers go through vm.h.
#pragma once

#include "vm/cpython.h"  // first: it sets up Py_BUILD_CORE before Python.h

#include "profiles/profile.h"
#include "vm/code_info.h"
#include "vm/vm.h"

namespace janus::vm {

// Runs `frame` from frame->prev_instr + 1 on its current value stack. `info` is the code's
// VM state (never a fallback code object).
PyObject* run_frame(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                    CodeInfo* info);

// The gate and hook registered with set_entry_gate (vm.cpp), or nullptr.
extern EntryGate g_entry_gate;
extern _PyFrameEvalFunction g_entry_hook;

// Set by allow_library_call (vm.h), taken by the next inline call of library code.
extern bool g_library_call_allowed;

// Whether a call to `code` (state `info`) may run inline in the calling loop (library code:
// only the one call the JIT's recorder inlines, vm.h Gate). Forced inline (like the helpers
// below): GCC otherwise keeps it out of the huge loop function.
[[gnu::always_inline]] inline bool may_inline(PyThreadState* tstate, CodeInfo* info,
                                              PyCodeObject* code) {
  if (__builtin_expect(info->inline_calls == CodeInfo::Inline::Unknown, 0)) {
    const Gate gate = !info->fallback && g_entry_gate != nullptr ? g_entry_gate(code)
                                                                  : Gate::kCPython;
    info->inline_calls = gate == Gate::kVm               ? CodeInfo::Inline::Yes
                         : gate == Gate::kWhileRecording ? CodeInfo::Inline::WhileRecording
                                                         : CodeInfo::Inline::No;
  }
  // The hook sends traced frames to CPython's evaluator: so must we.
  if (__builtin_expect(info->inline_calls != CodeInfo::Inline::Yes, 0)) {
    if (info->inline_calls != CodeInfo::Inline::WhileRecording || !g_library_call_allowed) {
      return false;
    }
    g_library_call_allowed = false;
  }
  return !tstate->cframe->use_tracing &&
         tstate->c_tracefunc == nullptr && tstate->c_profilefunc == nullptr &&
         tstate->interp->eval_frame == g_entry_hook;
}

// The counters stats() reads (vm.cpp).
extern Stats g_stats;

// The VM's accounting for a frame it starts or resumes (from the hook or an inline call):
// the frame counter and the code's call count (generator resumptions are not calls).
[[gnu::always_inline]] inline void count_entry(CodeInfo* info, _PyInterpreterFrame* frame) {
  ++g_stats.frames;
  if (profiles::CodeProfile* profile = info->profile) {
    if (frame->prev_instr < _PyCode_CODE(frame->f_code) &&
        ++profile->calls == profiles::settings().hot_call) {
      profiles::report_hot_call(profile);
    }
  }
}

// count_entry for a frame an inline call just built (never a resumption). stats().frames
// adds the inline frames (g_stats.inlined) itself.
[[gnu::always_inline]] inline void count_call(CodeInfo* info) {
  profiles::CodeProfile* profile = info->profile;  // never null for code the VM runs
  if (++profile->calls == profiles::settings().hot_call) profiles::report_hot_call(profile);
}

}  // namespace janus::vm
