// JANUS_LOG lines for tier 1: `janus: <category>: ...`, one line per event, naming the
// function's qualname and file:line of the instruction concerned.
#pragma once

#include <string>

#include "jit/cpython.h"

namespace janus::jit {

enum class LogCategory { Tiers, Traces, Deopts };

// dump: JANUS_JIT_DUMP (1: each compiled trace's IR, 2: also its x86-64 listing).
void configure_log(bool tiers, bool traces, bool deopts, int dump);
bool log_enabled(LogCategory category);
bool dump_enabled();
bool dump_asm_enabled();
bool dump_bytes_enabled();  // the listing shows each instruction's bytes (offsets for profiles)
// "f (file.py:12)" for instruction `pc` (code units) of `code`.
std::string where(PyCodeObject* code, int pc);
void log(LogCategory category, const std::string& message);

}  // namespace janus::jit
