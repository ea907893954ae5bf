// The tier-0 dispatch loop: one function, computed goto over a 256-entry table built once
// from vm/opcodes.def and CPython's _PyOpcode_Deopt (so quickened code runs too).
// Semantics follow CPython 3.11's ceval.c instruction by instruction; helpers.h holds the
// out-of-line parts. Python-to-Python calls whose callee the VM evaluates run inside this
// loop (the callee frame is pushed and the loop switches to it, as CPython's own evaluator
// does without a hook); other calls recurse through _PyEval_EvalFrame and the PEP 523 hook.
#include "vm/eval.h"
#include "vm/call_binding.h"

#include "profiles/profile.h"
#include "vm/code_info.h"
#include "vm/frame_ops.h"
#include "vm/getattr.h"
#include "vm/helpers.h"
#include "vm/type_call.h"
#include "vm/vm.h"

namespace janus::vm {

namespace {

LoopHook g_loop_hook = nullptr;
RecordHook g_record_hook = nullptr;

}  // namespace

// Binary operators by BINARY_OP oparg (NB_ADD ... NB_INPLACE_XOR, opcode.h order); tier 1's
// generic binary-op helper reads the same table (vm.h).
const BinaryFunc kBinaryOps[] = {
    PyNumber_Add,         PyNumber_And,          PyNumber_FloorDivide,
    PyNumber_Lshift,      PyNumber_MatrixMultiply, PyNumber_Multiply,
    PyNumber_Remainder,   PyNumber_Or,           _PyNumber_PowerNoMod,
    PyNumber_Rshift,      PyNumber_Subtract,     PyNumber_TrueDivide,
    PyNumber_Xor,         PyNumber_InPlaceAdd,   PyNumber_InPlaceAnd,
    PyNumber_InPlaceFloorDivide, PyNumber_InPlaceLshift, PyNumber_InPlaceMatrixMultiply,
    PyNumber_InPlaceMultiply, PyNumber_InPlaceRemainder, PyNumber_InPlaceOr,
    _PyNumber_InPlacePowerNoMod, PyNumber_InPlaceRshift, PyNumber_InPlaceSubtract,
    PyNumber_InPlaceTrueDivide, PyNumber_InPlaceXor,
};

void set_loop_hook(LoopHook hook) { g_loop_hook = hook; }

LoopEntryHook g_loop_entry_hook = nullptr;
void set_loop_entry_hook(LoopEntryHook hook) { g_loop_entry_hook = hook; }

void mark_loop_entry(PyCodeObject* code, int head) {
  CodeInfo* info = existing_code_info(code);
  if (info == nullptr || info->profile == nullptr || head < 0 || head >= Py_SIZE(code) ||
      _Py_OPCODE(_PyCode_CODE(code)[head]) != FOR_ITER) {
    return;
  }
  profiles::CodeProfile* profile = info->profile;
  if (profile->loop_entry.empty()) profile->loop_entry.assign(Py_SIZE(code), 0);
  profile->loop_entry[head] = 1;
  profile->has_loop_entries = true;
}
void set_record_hook(RecordHook hook) { g_record_hook = hook; }

namespace {

// Python functions called with arguments a CallPlan binds (vm/call_binding.h: positional
// ones, keywords of KW_NAMES, *args, **kwargs, defaults and keyword-only defaults) get their
// frame built here, skipping the generic vectorcall and argument binding; other calls
// return nullptr (error set only on failure) and take PyObject_Vectorcall, which raises
// CPython's errors. On success the `nargs` references at `args` are moved into the new
// frame (those *args or **kwargs collect, into its tuple or dict).
_PyInterpreterFrame* push_simple_call(PyThreadState* tstate, PyFunctionObject* func,
                                      PyObject** args, int nargs, PyObject* kwnames = nullptr) {
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  const bool varargs = code->co_flags & CO_VARARGS;
  const bool varkw = code->co_flags & CO_VARKEYWORDS;
  CallPlan plan;
  if (!plan_call(func, nargs, kwnames, &plan)) return nullptr;
  // *args and **kwargs first (they may fail; nothing has moved yet).
  PyObject* extra = nullptr;
  PyObject* kwargs = nullptr;
  if (__builtin_expect(varargs || varkw, 0)) {
    if (varargs) {
      extra = _PyTuple_FromArray(args + plan.positional, plan.npos - plan.positional);
      if (extra == nullptr) return nullptr;
    }
    if (varkw) {
      kwargs = PyDict_New();
      for (int k = 0; kwargs != nullptr && k < plan.nkw; k++) {
        if (plan.kw_slot[k] >= 0) continue;
        if (PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, k), args[plan.npos + k]) < 0) {
          Py_CLEAR(kwargs);
        }
      }
      if (kwargs == nullptr) {
        Py_XDECREF(extra);
        return nullptr;
      }
    }
  }
  size_t size = code->co_nlocalsplus + code->co_stacksize + FRAME_SPECIALS_SIZE;
  _PyInterpreterFrame* frame = push_frame_storage(tstate, size);
  if (frame == nullptr) {
    Py_XDECREF(extra);
    Py_XDECREF(kwargs);
    PyErr_NoMemory();
    return nullptr;
  }
  Py_INCREF(func);
  _PyFrame_InitializeSpecials(frame, func, nullptr, code->co_nlocalsplus);
  PyObject** locals = frame->localsplus;
  for (int i = 0; i < plan.positional; i++) locals[i] = args[i];
  for (int i = plan.positional; i < plan.nparams; i++) locals[i] = Py_XNewRef(plan.fill[i]);
  for (int k = 0; k < plan.nkw; k++) {
    PyObject* value = args[plan.npos + k];
    if (plan.kw_slot[k] >= 0) {
      locals[plan.kw_slot[k]] = value;  // moved: no default filled this parameter
    } else {
      Py_DECREF(value);  // the **kwargs dict holds it
    }
  }
  int next = plan.nparams;
  if (__builtin_expect(varargs || varkw, 0)) {
    for (int i = plan.positional; i < plan.npos; i++) Py_DECREF(args[i]);  // the tuple holds them
    if (varargs) locals[next++] = extra;
    if (varkw) locals[next++] = kwargs;
  }
  for (int i = next; i < code->co_nlocalsplus; i++) locals[i] = nullptr;
  return frame;
}

// Releases a frame pushed by push_simple_call once it has been evaluated, as CPython does.
[[gnu::always_inline]] inline void pop_call(PyThreadState* tstate, _PyInterpreterFrame* frame) {
  // Clearing may run finalizers: keep one recursion slot for them.
  tstate->recursion_remaining--;
  clear_frame(frame);
  tstate->recursion_remaining++;
  pop_frame_storage(tstate, frame);
}

}  // namespace

// Evaluates `frame` from frame->prev_instr + 1 with the value stack frame->stacktop holds.
// Entered for new frames, resumed generators (throwflag: gen.throw) and OSR exits alike.
PyObject* run_frame(PyThreadState* tstate, _PyInterpreterFrame* frame, int throwflag,
                    CodeInfo* info) {
  static void* dispatch_table[256];
  // Recording (JIT): every opcode first goes to record_instruction, which calls the record
  // hook and then the normal handler.
  static void* record_table[256];
  static bool dispatch_ready = false;
  if (__builtin_expect(!dispatch_ready, 0)) {
    // No local table here: a 2 KB array would sit in every frame of this (recursive) loop.
    for (void*& label : dispatch_table) label = &&op_unknown;
#define VM_OPCODE(name) dispatch_table[name] = &&op_##name;
#include "vm/opcodes.def"
#undef VM_OPCODE
    // Specialized/adaptive forms run their base instruction's handler by default.
    for (int i = 1; i < 256; i++) {
      int base = _PyOpcode_Deopt[i];
      if (base != 0 && base != i) dispatch_table[i] = dispatch_table[base];
    }
    dispatch_table[0] = &&op_unknown;  // CACHE is never executed
    // Adaptive forms run CPython's specializer when their counter expires, so the code
    // carries the same specialized instructions (and inline caches) as under CPython.
#define VM_ADAPTIVE(name) dispatch_table[name##_ADAPTIVE] = &&op_##name##_ADAPTIVE;
    VM_ADAPTIVE(LOAD_ATTR)
    VM_ADAPTIVE(LOAD_METHOD)
    VM_ADAPTIVE(LOAD_GLOBAL)
    VM_ADAPTIVE(STORE_ATTR)
    VM_ADAPTIVE(BINARY_SUBSCR)
    VM_ADAPTIVE(STORE_SUBSCR)
    VM_ADAPTIVE(BINARY_OP)
    VM_ADAPTIVE(COMPARE_OP)
    VM_ADAPTIVE(UNPACK_SEQUENCE)
    VM_ADAPTIVE(PRECALL)
    VM_ADAPTIVE(CALL)
#undef VM_ADAPTIVE
    // Specialized forms with their own fast paths (the others run their generic handler).
#define VM_SPECIALIZED(name) dispatch_table[name] = &&op_##name;
    VM_SPECIALIZED(LOAD_GLOBAL_MODULE)
    VM_SPECIALIZED(LOAD_GLOBAL_BUILTIN)
    VM_SPECIALIZED(LOAD_ATTR_INSTANCE_VALUE)
    VM_SPECIALIZED(LOAD_ATTR_MODULE)
    VM_SPECIALIZED(LOAD_ATTR_SLOT)
    VM_SPECIALIZED(STORE_ATTR_INSTANCE_VALUE)
    VM_SPECIALIZED(LOAD_METHOD_WITH_VALUES)
    VM_SPECIALIZED(LOAD_METHOD_NO_DICT)
    VM_SPECIALIZED(BINARY_OP_ADD_INT)
    VM_SPECIALIZED(BINARY_OP_SUBTRACT_INT)
    VM_SPECIALIZED(BINARY_OP_MULTIPLY_INT)
    VM_SPECIALIZED(BINARY_OP_ADD_FLOAT)
    VM_SPECIALIZED(BINARY_OP_SUBTRACT_FLOAT)
    VM_SPECIALIZED(BINARY_OP_MULTIPLY_FLOAT)
    VM_SPECIALIZED(COMPARE_OP_INT_JUMP)
    VM_SPECIALIZED(COMPARE_OP_FLOAT_JUMP)
    VM_SPECIALIZED(LOAD_FAST__LOAD_FAST)
    VM_SPECIALIZED(LOAD_FAST__LOAD_CONST)
    VM_SPECIALIZED(STORE_FAST__LOAD_FAST)
    VM_SPECIALIZED(STORE_FAST__STORE_FAST)
    VM_SPECIALIZED(LOAD_CONST__LOAD_FAST)
    VM_SPECIALIZED(BINARY_SUBSCR_LIST_INT)
    VM_SPECIALIZED(BINARY_SUBSCR_TUPLE_INT)
    VM_SPECIALIZED(BINARY_SUBSCR_DICT)
    VM_SPECIALIZED(STORE_SUBSCR_LIST_INT)
    VM_SPECIALIZED(STORE_SUBSCR_DICT)
    VM_SPECIALIZED(BINARY_OP_ADD_UNICODE)
    VM_SPECIALIZED(PRECALL_NO_KW_LEN)
    VM_SPECIALIZED(PRECALL_NO_KW_ISINSTANCE)
    VM_SPECIALIZED(PRECALL_NO_KW_LIST_APPEND)
    VM_SPECIALIZED(PRECALL_NO_KW_BUILTIN_O)
    VM_SPECIALIZED(PRECALL_NO_KW_BUILTIN_FAST)
    VM_SPECIALIZED(PRECALL_NO_KW_METHOD_DESCRIPTOR_O)
    VM_SPECIALIZED(PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST)
    VM_SPECIALIZED(PRECALL_NO_KW_STR_1)
    VM_SPECIALIZED(PRECALL_NO_KW_TYPE_1)
    VM_SPECIALIZED(CALL_PY_EXACT_ARGS)
    VM_SPECIALIZED(CALL_PY_WITH_DEFAULTS)
#undef VM_SPECIALIZED
    for (void*& label : record_table) label = &&record_instruction;
    dispatch_ready = true;
  }

  // Every variable the labels below use is declared here: C++ forbids jumping past
  // initializations.
  _PyCFrame cframe;
  _PyCFrame* prev_cframe = tstate->cframe;
  _Py_CODEUNIT* first_instr = _PyCode_CODE(frame->f_code);
  _Py_CODEUNIT* next_instr;
  PyObject** stack_pointer;
  PyObject* kwnames = nullptr;  // borrowed from co_consts by KW_NAMES, used by CALL
  PyObject* retval = nullptr;
  profiles::CodeProfile* profile = info->profile;
  // The table DISPATCH goes through: dispatch_table, or record_table while the JIT records
  // this frame (one register-held pointer: no cost when not recording).
  void* const* dispatch = dispatch_table;
  _PyInterpreterFrame* callee;  // inline calls: the frame CALL built, and its VM state
  CodeInfo* callee_info;
  int opcode;
  int oparg;

  cframe.use_tracing = prev_cframe->use_tracing;
  cframe.previous = prev_cframe;
  tstate->cframe = &cframe;
  frame->is_entry = true;
  frame->previous = prev_cframe->current_frame;
  cframe.current_frame = frame;

  if (enter_recursive_call(tstate)) {
    tstate->recursion_remaining--;
    goto exit_unwind;
  }

// Loads the loop's registers from `frame` (entry, inline call, return to the caller).
#define LOAD_FRAME_STATE()                          \
  {                                                 \
    first_instr = _PyCode_CODE(frame->f_code);      \
    next_instr = frame->prev_instr + 1;             \
    stack_pointer = _PyFrame_GetStackPointer(frame); \
    frame->stacktop = -1;                           \
  }
// After a loop hook that ran a JIT trace and returned kResumed / kRaiseAt (vm.h
// LoopHookResult): tier 0 takes its position and stack back from the frame the exit wrote,
// unwinds a kRaiseAt, hands the frame to CPython's evaluator if a trace's call turned
// tracing on (as after a call in tier 0), and dispatches at once when the exit was inside
// calls the trace inlined (their frames sit above this one, linked, not entry frames; tier 0
// continues the innermost, whose code has its state and a profile: the JIT inlines only
// calls tier 0 runs inline while recording). Falls through in the hook's own frame.
#define LAND_FROM_TRACE(hook_result)                            \
  {                                                             \
    if (cframe.current_frame != frame) {                        \
      frame = cframe.current_frame;                             \
      profile = existing_code_info(CODE())->profile;            \
      LOAD_FRAME_STATE();                                       \
      if ((hook_result) == kRaiseAt) goto error;                \
      if (cframe.use_tracing) goto hand_over_to_cpython;        \
      DISPATCH();                                               \
    }                                                           \
    next_instr = frame->prev_instr + 1;                         \
    stack_pointer = _PyFrame_GetStackPointer(frame);            \
    frame->stacktop = -1;                                       \
    if ((hook_result) == kRaiseAt) goto error;                  \
    if (cframe.use_tracing) goto hand_over_to_cpython;          \
  }
  // While the frame runs its stack is private: the GC must not see half-built values
  // (LOAD_FRAME_STATE sets stacktop to -1).
  LOAD_FRAME_STATE();
  if (throwflag) goto error;

#define TARGET(op) op_##op : frame->prev_instr = next_instr++;
// Two byte loads (opcode, then oparg: a code unit's bytes on a little-endian machine), no
// shifts or copies (GCC otherwise shifts a 16-bit register and widens it again). `opcode`
// is not kept: the few labels that need it read it again.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "DISPATCH reads code units bytewise");
#define DISPATCH()                                                              \
  {                                                                             \
    const auto* bytes_ = reinterpret_cast<const uint8_t*>(next_instr);          \
    oparg = bytes_[1];                                                          \
    goto* dispatch[bytes_[0]];                                                  \
  }
// The running code's fields, read through the frame (no loop registers: calls and returns
// switch frames inside the loop, and fewer live values keep the hot ones in registers).
#define CODE() (frame->f_code)
#define NAMES() (frame->f_code->co_names)
#define CONSTS() (frame->f_code->co_consts)
#define INLINE_ALLOWED() (true)
#define INSTR_OFFSET() ((int)(next_instr - first_instr))
#define JUMPBY(x) (next_instr += (x))
#define JUMPTO(x) (next_instr = first_instr + (x))
#define TOP() (stack_pointer[-1])
#define SECOND() (stack_pointer[-2])
#define THIRD() (stack_pointer[-3])
#define PEEK(n) (stack_pointer[-(n)])
#define SET_TOP(v) (stack_pointer[-1] = (v))
#define SET_SECOND(v) (stack_pointer[-2] = (v))
#define PUSH(v) (*stack_pointer++ = (v))
#define POP() (*--stack_pointer)
#define STACK_SHRINK(n) (stack_pointer -= (n))
#define STACK_GROW(n) (stack_pointer += (n))
#define STACK_LEVEL() ((int)(stack_pointer - _PyFrame_Stackbase(frame)))
#define GETLOCAL(i) (frame->localsplus[i])
#define SETLOCAL(i, value)             \
  do {                                 \
    PyObject* tmp_ = GETLOCAL(i);      \
    GETLOCAL(i) = (value);             \
    Py_XDECREF(tmp_);                  \
  } while (0)
#define GLOBALS() (frame->f_globals)
#define BUILTINS() (frame->f_builtins)
#define LOCALS() (frame->f_locals)
#define CHECK_EVAL_BREAKER()                                              \
  if (_Py_atomic_load_relaxed(&tstate->interp->ceval.eval_breaker)) { \
    if (handle_eval_breaker(tstate) != 0) goto error;                    \
  }
// The running instruction's site (profiles/profile.h: one scaled load off its address).
// `profile` is never null: every code object the loop runs has one (code_info.h).
#define SITE() (profile->site_of(frame->prev_instr))
// PROFILE_TYPES(a) for one operand, PROFILE_TYPES(a, b) for two.
#define PROFILE_TYPES(...) profiles::record_types(SITE(), __VA_ARGS__);
#define PROFILE_BRANCH(jumped) profiles::record_branch(SITE(), jumped);

  DISPATCH();

#include "vm/handlers/stack.inc"

#include "vm/handlers/operators.inc"

#include "vm/handlers/names.inc"

#include "vm/handlers/attributes.inc"

#include "vm/handlers/containers.inc"

#include "vm/handlers/jumps.inc"

#include "vm/handlers/iteration.inc"

#include "vm/handlers/calls.inc"

#include "vm/handlers/generators.inc"

#include "vm/handlers/exceptions.inc"

#include "vm/handlers/modules.inc"

#include "vm/handlers/match.inc"

#include "vm/handlers/adaptive.inc"

#include "vm/handlers/specialized.inc"

  // ---------------------------------------------------------------------------------------
  // Inline calls. While the JIT records a frame, its inline calls run here too, through the
  // record table: the recorder inlines some of them and ignores the others' instructions.
  // CALL pushed the callee's frame and made it `frame`; it starts here, in this
  // loop, and returns to its caller's instruction through exit_return / exit_unwind, which
  // pop it (frame->is_entry is false for it). Recursion is counted per frame as CPython does.

  // CALL built `callee` (VM state `callee_info`), moved the arguments into it, popped
  // the call's stack slots and stepped past its caches.
switch_to_callee:
  count_call(callee_info);
  // FOR_ITER resuming a generator comes here (a resumption is not a call).
switch_to_frame:
  frame->prev_instr = next_instr - 1;
  _PyFrame_SetStackPointer(frame, stack_pointer);
  callee->previous = frame;
  frame = cframe.current_frame = callee;
  profile = callee_info->profile;
  ++callee_info->inlined_entries;
  ++g_stats.inlined;

start_inlined_frame:
  if (enter_recursive_call(tstate)) {
    tstate->recursion_remaining--;
    goto exit_unwind;
  }
  LOAD_FRAME_STATE();
  DISPATCH();

  // An inlined frame returned (retval), raised (retval null) or yielded; its recursion
  // count is already released.
leave_inlined_frame:
  if (frame->owner == FRAME_OWNED_BY_GENERATOR) goto leave_inlined_generator;

  // A called frame is done (its stack already released): free it and continue its
  // caller, which was suspended after its CALL with its stack visible to the GC.
pop_inlined_frame : {
  // Unlinked before it is cleared: finalizers run by the clearing must not see it on the
  // stack (CPython's gh-99729).
  _PyInterpreterFrame* dying = frame;
  frame = cframe.current_frame = dying->previous;
  pop_call(tstate, dying);
  release_type_call_level(tstate, dying);  // `model(x)`: the tp_call slot's level
  release_getattr_frame(dying, retval == nullptr);  // __getattr__ of a LOAD_ATTR miss
  LOAD_FRAME_STATE();
  // The caller ran in this loop: its state exists.
  profile = existing_code_info(CODE())->profile;
  if (retval == nullptr) goto error;
  PUSH(retval);
  retval = nullptr;
  // No eval-breaker check here: as in CPython, RESUME and back-edges check it.
  if (cframe.use_tracing) goto hand_over_to_cpython;
  DISPATCH();
}

  // A generator resumed by FOR_ITER yielded, returned or raised: what gen_send_ex2 does
  // after its evaluation, then the caller continues.
leave_inlined_generator : {
  _PyInterpreterFrame* gen_frame = frame;
  PyGenObject* gen = _PyFrame_GetGenerator(gen_frame);
  frame = cframe.current_frame = gen_frame->previous;
  tstate->exc_info = gen->gi_exc_state.previous_item;
  gen->gi_exc_state.previous_item = nullptr;
  gen_frame->previous = nullptr;
  LOAD_FRAME_STATE();
  // The caller ran in this loop: its state exists.
  profile = existing_code_info(CODE())->profile;
  if (retval != nullptr && gen->gi_frame_state == FRAME_SUSPENDED) {
    PUSH(retval);  // the yielded value: FOR_ITER's next item
    retval = nullptr;
    if (cframe.use_tracing) goto hand_over_to_cpython;
    DISPATCH();
  }
  if (gen->gi_frame_state == FRAME_EXECUTING) gen->gi_frame_state = FRAME_COMPLETED;
  if (retval == nullptr && _PyErr_ExceptionMatches(tstate, PyExc_StopIteration)) {
    _PyErr_FormatFromCause(PyExc_RuntimeError, "%s", "generator raised StopIteration");
  }
  // The generator cannot run again: release its frame.
  _PyErr_ClearExcState(&gen->gi_exc_state);
  gen->gi_frame_state = FRAME_CLEARED;
  _PyFrame_Clear(gen_frame);
  if (retval == nullptr) goto error;
  // Its return value is dropped, as FOR_ITER drops it; FOR_ITER runs again and sees the
  // generator exhausted.
  Py_DECREF(retval);
  retval = nullptr;
  next_instr = frame->prev_instr;
  if (cframe.use_tracing) goto hand_over_to_cpython;
  DISPATCH();
}

  // ---------------------------------------------------------------------------------------
  // Unreachable in practice: code holding an unknown opcode never gets here (code_info.cpp
  // scans first). A code object mutated afterwards still gets a clean error, not a crash.

  // Recording: the hook sees the instruction before it runs (stack and locals concrete).
record_instruction:
  if (g_record_hook(tstate, frame, INSTR_OFFSET(), stack_pointer) != 0) dispatch = dispatch_table;
  goto* dispatch_table[_Py_OPCODE(*next_instr)];

op_unknown:
  frame->prev_instr = next_instr++;
  _PyErr_Format(tstate, PyExc_SystemError, "Janus VM: unknown opcode %d at offset %d",
                _Py_OPCODE(*frame->prev_instr), INSTR_OFFSET() - 1);
  goto error;

unbound_local_error:
  format_exc_check_arg(tstate, PyExc_UnboundLocalError, kUnboundLocalMsg,
                       PyTuple_GetItem(CODE()->co_localsplusnames, oparg));
  goto error;

  // ---------------------------------------------------------------------------------------
  // Exception handling: record the traceback entry, then find the handler in the exception
  // table; with none, the frame is left with the exception set.

error:
  kwnames = nullptr;
  if (!_PyErr_Occurred(tstate)) {
    _PyErr_SetString(tstate, PyExc_SystemError, "error return without exception set");
  }
  // Frames still copying cells/free variables (before RESUME) are not yet visible.
  if (!_PyFrame_IsIncomplete(frame)) {
    PyFrameObject* f = _PyFrame_GetFrameObject(frame);
    if (f != nullptr) PyTraceBack_Here(f);
  }

exception_unwind : {
  // The offset comes from next_instr: RERAISE may have moved prev_instr.
  int offset = INSTR_OFFSET() - 1;
  int level, handler;
  bool push_lasti;
  if (!find_exception_handler(CODE(), offset, &level, &handler, &push_lasti)) {
    while (stack_pointer > _PyFrame_Stackbase(frame)) {
      PyObject* o = POP();
      Py_XDECREF(o);
    }
    _PyFrame_SetStackPointer(frame, stack_pointer);
    goto exit_unwind;
  }
  PyObject** new_top = _PyFrame_Stackbase(frame) + level;
  while (stack_pointer > new_top) {
    PyObject* v = POP();
    Py_XDECREF(v);
  }
  if (push_lasti) {
    PyObject* lasti = PyLong_FromLong(_PyInterpreterFrame_LASTI(frame));
    if (lasti == nullptr) goto exception_unwind;
    PUSH(lasti);
  }
  PyObject *exc, *val, *tb;
  _PyErr_Fetch(tstate, &exc, &val, &tb);
  _PyErr_NormalizeException(tstate, &exc, &val, &tb);
  if (tb != nullptr) {
    PyException_SetTraceback(val, tb);
  } else {
    PyException_SetTraceback(val, Py_None);
  }
  Py_XDECREF(tb);
  Py_XDECREF(exc);
  PUSH(val);
  JUMPTO(handler);
  DISPATCH();
}

  // A call turned tracing on (sys.settrace, breakpoint()): debuggers must see this frame's
  // line events, which only CPython's evaluator emits. It continues the frame from the next
  // instruction, exactly as it resumes a generator (it reports a 'call' event first).
hand_over_to_cpython:
  if (dispatch != dispatch_table && g_record_hook(tstate, frame, -1, nullptr) != 0) {
    // The recording frame leaves (its caller may go on in this loop, not recording).
    dispatch = dispatch_table;
  }
  frame->prev_instr = next_instr - 1;
  _PyFrame_SetStackPointer(frame, stack_pointer);
  _Py_LeaveRecursiveCallTstate(tstate);
  if (!frame->is_entry) {
    // An inlined frame: CPython's evaluator links it under its caller (as the hook would
    // see it), finishes it, and its caller continues here (or is handed over in turn).
    cframe.current_frame = frame->previous;
    retval = _PyEval_EvalFrameDefault(tstate, frame, 0);
    goto leave_inlined_frame;
  }
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return _PyEval_EvalFrameDefault(tstate, frame, 0);

exit_unwind:
  if (dispatch != dispatch_table && g_record_hook(tstate, frame, -1, nullptr) != 0) {
    // The recording frame leaves (its caller may go on in this loop, not recording).
    dispatch = dispatch_table;
  }
  _Py_LeaveRecursiveCallTstate(tstate);
  if (!frame->is_entry) {
    retval = nullptr;
    goto leave_inlined_frame;
  }
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return nullptr;

exit_return:
  if (dispatch != dispatch_table && g_record_hook(tstate, frame, -1, nullptr) != 0) {
    // The recording frame leaves (its caller may go on in this loop, not recording).
    dispatch = dispatch_table;
  }
  _Py_LeaveRecursiveCallTstate(tstate);
  if (!frame->is_entry) goto leave_inlined_frame;
  tstate->cframe = cframe.previous;
  tstate->cframe->use_tracing = cframe.use_tracing;
  return retval;
}

}  // namespace janus::vm
