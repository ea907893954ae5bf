// Entry points of tier 0: the hook's evaluate(), the OSR landing point resume_at().
#include "vm/vm.h"

#include <cstdlib>

#include "common/options.h"
#include "profiles/profile.h"
#include "vm/code_info.h"
#include "vm/eval.h"
#include "vm/helpers.h"
#include "vm/type_call.h"

namespace janus::vm {

Stats g_stats;

const Stats& stats() {
  // Inline frames count only as `inlined` while they run (one increment less per call).
  static Stats snapshot;
  snapshot = g_stats;
  snapshot.frames += g_stats.inlined;
  return snapshot;
}

EntryGate g_entry_gate = nullptr;
_PyFrameEvalFunction g_entry_hook = nullptr;

void set_entry_gate(EntryGate gate, _PyFrameEvalFunction hook) {
  g_entry_gate = gate;
  g_entry_hook = hook;
}

unsigned long long inlined_entries(PyCodeObject* code) {
  CodeInfo* info = g_code_info_index >= 0 ? existing_code_info(code) : nullptr;
  return info != nullptr ? info->inlined_entries : 0;
}

namespace {

uint64_t threshold(OptionId id) {
  // 0 means "never": a count that is never reached.
  unsigned long long value = std::strtoull(options().get(id).c_str(), nullptr, 10);
  return value == 0 ? UINT64_MAX : value;
}

PyObject* write_profile_dump(PyObject*, PyObject*) {
  profiles::write_dump();
  Py_RETURN_NONE;
}

PyMethodDef g_dump_method = {"_janus_write_profile_dump", write_profile_dump, METH_NOARGS,
                             "Writes JANUS_PROFILE_DUMP."};

// The dump runs from atexit: every code object (and every type it names) is still alive.
bool register_dump_at_exit() {
  PyObject* atexit = PyImport_ImportModule("atexit");
  if (atexit == nullptr) return false;
  PyObject* func = PyCFunction_New(&g_dump_method, nullptr);
  PyObject* res = func ? PyObject_CallMethod(atexit, "register", "O", func) : nullptr;
  Py_XDECREF(res);
  Py_XDECREF(func);
  Py_DECREF(atexit);
  return res != nullptr;
}

}  // namespace

bool initialize() {
  const Options& opts = options();
  profiles::Settings settings;
  settings.hot_call = threshold(OptionId::HotCall);
  settings.hot_loop = threshold(OptionId::HotLoop);
  settings.log = opts.has(OptionId::Log, "profiles") || opts.has(OptionId::Log, "all");
  settings.dump_path = opts.get(OptionId::ProfileDump);
  profiles::configure(settings);
  if (!init_names() || !init_type_call()) return false;
  if (!settings.dump_path.empty() && !register_dump_at_exit()) return false;
  return init_code_info(opts.has(OptionId::Log, "vm") || opts.has(OptionId::Log, "all"));
}

profiles::CodeProfile* profile_of(PyCodeObject* code) {
  CodeInfo* info = code_info(code);
  return info != nullptr ? info->profile : nullptr;
}

bool g_library_call_allowed = false;

void allow_library_call(bool allow) { g_library_call_allowed = allow; }

bool runs_inline_while_recording(PyThreadState* tstate, PyCodeObject* code) {
  CodeInfo* info = cached_code_info(code);
  if (info == nullptr) return false;
  const bool allowed = g_library_call_allowed;
  g_library_call_allowed = true;  // asks: would the call run inline once allowed?
  const bool inline_call = may_inline(tstate, info, code);
  g_library_call_allowed = allowed;
  return inline_call;
}

bool handles(PyCodeObject* code) {
  CodeInfo* info = code_info(code);
  return info != nullptr && !info->fallback;
}

PyObject* evaluate(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                   CodeInfo** cache) {
  CodeInfo* info = cache != nullptr ? *cache : nullptr;
  if (info == nullptr) {
    info = code_info(frame->f_code);
    if (cache != nullptr) *cache = info;
  }
  if (info == nullptr || info->fallback) {
    ++g_stats.fallbacks;
    return _PyEval_EvalFrameDefault(tstate, frame, throwflag);
  }
  count_entry(info, frame);
  return run_frame(tstate, frame, throwflag, info);
}

PyObject* resume_at(PyThreadState* tstate, _PyInterpreterFrame* frame, int offset,
                    PyObject* const* stack, int depth) {
  PyCodeObject* code = frame->f_code;
  CodeInfo* info = code_info(code);
  if (info == nullptr || info->fallback) {
    for (int i = 0; i < depth; i++) Py_DECREF(stack[i]);
    PyErr_SetString(PyExc_SystemError, "Janus VM: cannot resume a frame it does not evaluate");
    return nullptr;
  }
  if (offset < 0 || offset >= Py_SIZE(code) ||
      depth > code->co_stacksize || depth < 0) {
    for (int i = 0; i < depth; i++) Py_DECREF(stack[i]);
    PyErr_Format(PyExc_ValueError, "Janus VM: cannot resume %U at offset %d with %d values",
                 code->co_qualname, offset, depth);
    return nullptr;
  }
  PyObject** base = _PyFrame_Stackbase(frame);
  for (int i = 0; i < depth; i++) base[i] = stack[i];
  frame->stacktop = code->co_nlocalsplus + depth;
  frame->prev_instr = _PyCode_CODE(code) + offset - 1;
  return run_frame(tstate, frame, 0, info);
}

}  // namespace janus::vm
