// Frame storage on the thread's data stack and the recursion count, as the dispatch loop
// uses them on every inline call and return. CPython's own static inline versions
// (_PyThreadState_BumpFramePointer, _Py_EnterRecursiveCallTstate) stay out of line in the
// huge loop function, and _PyFrame_Clear / _PyThreadState_PopFrame are calls: here the
// common case is forced inline and every uncommon case calls CPython's function, so the
// behaviour is CPython's.
#pragma once

#include "vm/cpython.h"

namespace janus::vm {

// Room for a frame of `size` words on the data stack (nullptr, no exception set, when even
// a new chunk cannot be had: the caller raises MemoryError).
[[gnu::always_inline]] inline _PyInterpreterFrame* push_frame_storage(PyThreadState* tstate,
                                                                       size_t size) {
  PyObject** top = tstate->datastack_top;
  if (__builtin_expect(top != nullptr && size < (size_t)(tstate->datastack_limit - top), 1)) {
    tstate->datastack_top = top + size;
    return reinterpret_cast<_PyInterpreterFrame*>(top);
  }
  return _PyThreadState_BumpFramePointerSlow(tstate, size);
}

// Gives back the storage of the frame pushed last. A frame that starts a chunk frees the
// chunk (CPython's function does that).
[[gnu::always_inline]] inline void pop_frame_storage(PyThreadState* tstate,
                                                     _PyInterpreterFrame* frame) {
  auto** base = reinterpret_cast<PyObject**>(frame);
  if (__builtin_expect(base != &tstate->datastack_chunk->data[0], 1)) {
    tstate->datastack_top = base;
  } else {
    _PyThreadState_PopFrame(tstate, frame);
  }
}

// True (RecursionError set) when one more frame would pass the recursion limit; counts
// the frame either way, as CPython does (the caller releases it on every exit).
[[gnu::always_inline]] inline bool enter_recursive_call(PyThreadState* tstate) {
  return __builtin_expect(tstate->recursion_remaining-- <= 0, 0) &&
         _Py_CheckRecursiveCall(tstate, "");
}

// Releases the references a finished frame holds (it must be unlinked already: finalizers
// may run). A frame that has a frame object goes to CPython's _PyFrame_Clear, which may
// hand the values over to that object instead.
[[gnu::always_inline]] inline void clear_frame(_PyInterpreterFrame* frame) {
  if (__builtin_expect(frame->frame_obj != nullptr, 0)) {
    _PyFrame_Clear(frame);
    return;
  }
  for (int i = 0; i < frame->stacktop; i++) Py_XDECREF(frame->localsplus[i]);
  Py_XDECREF(frame->f_locals);
  Py_DECREF(frame->f_func);
  Py_DECREF(frame->f_code);
}

}  // namespace janus::vm
