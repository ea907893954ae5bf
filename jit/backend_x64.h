// Tier-1 backend: compiles a trace (jit/trace.h) to x86-64 with asmjit's x86::Compiler.
// The machine code follows the entry contract of jit/trace.h op for op, exactly as
// jit::interpret does: same exits, same exit buffer, same effects, same
// JANUS_JIT_FORCE_DEOPT roll sequence.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "jit/trace.h"

namespace janus::jit {

// Executable code for one trace. The code embeds the trace's constants (PyObject*, types,
// versions) as immediates: the Trace it was compiled from must outlive it.
class MachineCode {
 public:
  MachineCode(TraceEntry entry, size_t size) : entry_(entry), size_(size) {}
  MachineCode(const MachineCode&) = delete;
  MachineCode& operator=(const MachineCode&) = delete;
  ~MachineCode();  // gives the code back to the JIT runtime

  TraceEntry entry() const { return entry_; }
  size_t size() const { return size_; }  // bytes of machine code

 private:
  TraceEntry entry_;
  size_t size_;
};

// Where the exits of a loop trace find their side traces, for stitching in machine code.
// Each exit stub of a resume snapshot s, after storing the exit's values, calls slots[s]
// when it is set (tier 1 fills it once s's side trace is compiled: a native side trace with
// at most kLinkedExitValues exit values), as the TraceContext comment says, adding 1 to
// *entries; when the side trace returns kSideBackAtHead the stub zeroes early_runs[s] and
// jumps back to op 0. The arrays have one element per snapshot and outlive the code.
struct ExitLinks {
  const TraceEntry* slots = nullptr;
  int32_t* early_runs = nullptr;
  unsigned long long* entries = nullptr;
};

// Compiles `trace` (which must pass verify()). Returns nullptr and says why in `why`
// when the backend refuses it (an op marked kInterpOnly, a shape the lowering does not
// handle, an asmjit error): the caller runs the trace with interpret() instead.
// The force-deopt period is read now: a trace compiled with JANUS_JIT_FORCE_DEOPT=0 never
// rolls. Runs no Python code; it reads objects the trace holds (the shared keys of guarded
// types, looked up with _PyDictKeys_StringLookup; constant functions' code objects), so it
// runs with the GIL held, as tier 1 calls it. `listing` (optional) receives the assembly
// text.
// `links` (loop traces only, optional): the exits' side-trace slots.
std::unique_ptr<MachineCode> compile(const Trace& trace, std::string* why,
                                     std::string* listing = nullptr,
                                     const ExitLinks* links = nullptr);

}  // namespace janus::jit
