// The helpers of inlined Python calls (ir.def's "inlined Python calls" group). A trace
// builds real frames exactly as tier 0's inline call does (vm/eval.cpp push_simple_call,
// start_inlined_frame, pop_inlined_frame), so sys._getframe, super(), warnings' stack
// levels and tracebacks see what they see in tier 0, and an exit inside a callee leaves
// frames tier 0 simply continues.
#include "jit/cpython.h"
#include "jit/runtime.h"
#include "vm/vm.h"

namespace janus::jit::rt {

namespace {

_PyInterpreterFrame* as_frame(uint64_t raw) { return reinterpret_cast<_PyInterpreterFrame*>(raw); }

}  // namespace

uint64_t GUARD_FUNC_VERSION(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  return reinterpret_cast<PyFunctionObject*>(a)->func_version == static_cast<uint32_t>(imm);
}

uint64_t GUARD_FUNC_CODE(uint64_t a, uint64_t, uint64_t, int64_t imm, int64_t) {
  auto* func = reinterpret_cast<PyFunctionObject*>(a);
  return func->func_code == reinterpret_cast<PyObject*>(imm) && func->func_defaults == nullptr &&
         func->func_kwdefaults == nullptr;
}

uint64_t PUSH_FRAME(const uint64_t* list, int64_t count, uint64_t a, int64_t imm,
                    int64_t aux) {
  PyThreadState* tstate = _PyThreadState_GET();
  auto* func = reinterpret_cast<PyFunctionObject*>(a);
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  // aux 1: `obj(...)` running type(obj).__call__: the tp_call slot's level comes first.
  const bool call_slot = aux == 1;
  if (call_slot && !vm::take_call_slot_level(tstate)) return 0;
  // What start_inlined_frame does first; on failure the RecursionError is raised at the
  // CALL, as tier 0's unwinding from the not-yet-started callee leaves it.
  if (_Py_EnterRecursiveCallTstate(tstate, "")) {
    if (call_slot) vm::give_back_call_slot_level(tstate);
    return 0;
  }
  size_t size = code->co_nlocalsplus + code->co_stacksize + FRAME_SPECIALS_SIZE;
  _PyInterpreterFrame* frame = _PyThreadState_BumpFramePointer(tstate, size);
  if (frame == nullptr) {
    _Py_LeaveRecursiveCallTstate(tstate);
    if (call_slot) vm::give_back_call_slot_level(tstate);
    PyErr_NoMemory();
    return 0;
  }
  Py_INCREF(func);
  _PyFrame_InitializeSpecials(frame, func, nullptr, code->co_nlocalsplus);
  PyObject** locals = frame->localsplus;
  for (int64_t i = 0; i < count; i++) locals[i] = Py_NewRef(reinterpret_cast<PyObject*>(list[i]));
  for (int i = static_cast<int>(count); i < code->co_nlocalsplus; i++) locals[i] = nullptr;
  // COPY_FREE_VARS and MAKE_CELL, the callee's first instructions (the recorder records
  // them as no-ops): nothing can observe the frame in between.
  if (code->co_nfreevars > 0) {
    PyObject* closure = func->func_closure;
    int offset = code->co_nlocalsplus - code->co_nfreevars;
    for (int i = 0; i < code->co_nfreevars; i++) {
      locals[offset + i] = Py_NewRef(PyTuple_GET_ITEM(closure, i));
    }
  }
  if (code->co_ncellvars > 0) {
    for (int i = 0; i < code->co_nlocalsplus; i++) {
      if (!(_PyLocals_GetKind(code->co_localspluskinds, i) & CO_FAST_CELL)) continue;
      // A cell for an argument wraps its value (MAKE_CELL); an unbound one wraps NULL.
      PyObject* cell = PyCell_New(locals[i]);
      if (cell == nullptr) {
        _PyFrame_Clear(frame);
        _PyThreadState_PopFrame(tstate, frame);
        _Py_LeaveRecursiveCallTstate(tstate);
        if (call_slot) vm::give_back_call_slot_level(tstate);
        return 0;
      }
      Py_XSETREF(locals[i], cell);
    }
  }
  // The frame is complete at its first traceable instruction (after MAKE_CELL /
  // COPY_FREE_VARS), as when tier 0 reaches RESUME.
  frame->prev_instr = _PyCode_CODE(code) + code->_co_firsttraceable - 1;
  frame->stacktop = code->co_nlocalsplus;  // an empty value stack (the GC may look)
  _PyCFrame* cframe = tstate->cframe;
  _PyInterpreterFrame* caller = cframe->current_frame;
  caller->prev_instr = _PyCode_CODE(caller->f_code) + imm;
  frame->previous = caller;
  frame->is_entry = false;
  cframe->current_frame = frame;
  if (call_slot) vm::frame_holds_call_slot_level(frame);
  return reinterpret_cast<uint64_t>(frame);
}

uint64_t POP_FRAME(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  PyThreadState* tstate = _PyThreadState_GET();
  _PyInterpreterFrame* frame = as_frame(a);
  _Py_LeaveRecursiveCallTstate(tstate);
  // Unlinked before it is cleared (finalizers must not see it: CPython's gh-99729); one
  // recursion slot kept for them, as tier 0's pop_call does.
  tstate->cframe->current_frame = frame->previous;
  tstate->recursion_remaining--;
  _PyFrame_Clear(frame);
  tstate->recursion_remaining++;
  _PyThreadState_PopFrame(tstate, frame);
  vm::release_call_slot_level(tstate, frame);
  return 0;
}

uint64_t FRAME_LOAD(uint64_t a, uint64_t, uint64_t, int64_t, int64_t aux) {
  return reinterpret_cast<uint64_t>(as_frame(a)->localsplus[aux]);
}

uint64_t FRAME_STORE(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t aux) {
  PyObject** slot = &as_frame(a)->localsplus[aux];
  PyObject* old = *slot;
  *slot = Py_NewRef(reinterpret_cast<PyObject*>(b));
  return reinterpret_cast<uint64_t>(old);
}

}  // namespace janus::jit::rt

namespace janus::jit::rt {

uint64_t OBJ_ITER(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return reinterpret_cast<uint64_t>(PyObject_GetIter(reinterpret_cast<PyObject*>(a)));
}

uint64_t MAKE_FUNC(const uint64_t* list, int64_t, uint64_t a, int64_t, int64_t) {
  auto obj = [&](int i) { return reinterpret_cast<PyObject*>(list[i]); };
  auto* func = reinterpret_cast<PyFunctionObject*>(
      PyFunction_New(obj(0), reinterpret_cast<PyObject*>(a)));
  if (func == nullptr) return 0;
  func->func_closure = Py_XNewRef(obj(1));
  func->func_annotations = Py_XNewRef(obj(2));
  func->func_kwdefaults = Py_XNewRef(obj(3));
  func->func_defaults = Py_XNewRef(obj(4));
  return reinterpret_cast<uint64_t>(func);
}

}  // namespace janus::jit::rt

namespace janus::jit::rt {

uint64_t LOAD_FIELD(uint64_t a, uint64_t, uint64_t, int64_t, int64_t aux) {
  PyObject* field = *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(a) + aux);
  return reinterpret_cast<uint64_t>(Py_NewRef(field));
}

uint64_t GUARD_DICT_EMPTY(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return PyDict_GET_SIZE(reinterpret_cast<PyObject*>(a)) == 0;
}

uint64_t CALL_EX(uint64_t a, uint64_t b, uint64_t c, int64_t, int64_t) {
  return reinterpret_cast<uint64_t>(PyObject_Call(reinterpret_cast<PyObject*>(a),
                                                  reinterpret_cast<PyObject*>(b),
                                                  reinterpret_cast<PyObject*>(c)));
}

}  // namespace janus::jit::rt

namespace janus::jit::rt {

uint64_t EXTEND_LIST(uint64_t a, uint64_t b, uint64_t, int64_t, int64_t) {
  PyObject* none = _PyList_Extend(reinterpret_cast<PyListObject*>(a), reinterpret_cast<PyObject*>(b));
  if (none == nullptr) return static_cast<uint64_t>(-1);
  Py_DECREF(none);
  return 0;
}

uint64_t LIST_AS_TUPLE(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return reinterpret_cast<uint64_t>(PyList_AsTuple(reinterpret_cast<PyObject*>(a)));
}

}  // namespace janus::jit::rt

namespace janus::jit::rt {

namespace {
// BEFORE_WITH's lookups, as tier 0 (vm/handlers/exceptions.inc) and CPython's ceval do them.
uint64_t lookup_special(PyObject* mgr, PyObject* name, const char* missing) {
  PyObject* res = _PyObject_LookupSpecial(mgr, name);
  if (res == nullptr && !PyErr_Occurred()) {
    PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol%s",
                 Py_TYPE(mgr)->tp_name, missing);
  }
  return reinterpret_cast<uint64_t>(res);
}
}  // namespace

uint64_t WITH_ENTER(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return lookup_special(reinterpret_cast<PyObject*>(a), &_Py_ID(__enter__), "");
}

uint64_t WITH_EXIT(uint64_t a, uint64_t, uint64_t, int64_t, int64_t) {
  return lookup_special(reinterpret_cast<PyObject*>(a), &_Py_ID(__exit__), " (missed __exit__ method)");
}

}  // namespace janus::jit::rt
