// Small pieces the jit/ unit tests share (hand-built traces run against Python itself).
#pragma once

#include "jit/backend_x64.h"
#include "jit/cpython.h"
#include "jit/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace janus::jit::test {

// The bit pattern of a double, as F64 values travel in raw 64-bit slots.
inline uint64_t bits_of(double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

// Evaluates a Python expression in a namespace holding `source`'s definitions (a new
// reference; the test fails when either part raises).
inline PyObject* eval_python(const char* expr, const char* source = "") {
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(source, Py_file_input, ns, ns);
  EXPECT_NE(r, nullptr);
  Py_XDECREF(r);
  PyObject* value = PyRun_String(expr, Py_eval_input, ns, ns);
  if (value == nullptr) PyErr_Print();
  EXPECT_NE(value, nullptr);
  Py_DECREF(ns);
  return value;
}

// One run of a trace the way tier 1 enters one: a stand-in loop frame of `code` whose
// locals are `locals`, the thread's current frame while the trace runs; the exit values
// land in `exit_values` (as many slots as any snapshot needs). Set ctx fields or the thread
// state before run() for a test's variations.
struct LoopFrameRun {
  LoopFrameRun(const Trace& trace, PyCodeObject* code, PyObject** locals)
      : exit_values(std::max(1, max_exit_values(trace)), 0) {
    frame = reinterpret_cast<_PyInterpreterFrame*>(frame_memory);
    frame->f_code = code;
    ctx.tstate = PyThreadState_Get();
    ctx.frame = frame;
    ctx.localsplus = locals;
    ctx.eval_breaker = &breaker;
    ctx.exit_values = exit_values.data();
  }
  LoopFrameRun(const LoopFrameRun&) = delete;
  LoopFrameRun& operator=(const LoopFrameRun&) = delete;

  // The machine code (compiled) or the IR interpreter; the exit taken.
  int run(const Trace& trace, const MachineCode* machine, bool compiled) {
    _PyInterpreterFrame* saved = ctx.tstate->cframe->current_frame;
    ctx.tstate->cframe->current_frame = frame;
    const int exit = compiled ? machine->entry()(&ctx) : interpret(trace, &ctx);
    current_after = ctx.tstate->cframe->current_frame;
    ctx.tstate->cframe->current_frame = saved;
    return exit;
  }

  alignas(16) char frame_memory[sizeof(_PyInterpreterFrame) + 64] = {};
  _PyInterpreterFrame* frame;
  int breaker = 0;
  std::vector<uint64_t> exit_values;
  TraceContext ctx;
  _PyInterpreterFrame* current_after = nullptr;  // the thread's current frame at the return
};

}  // namespace janus::jit::test
