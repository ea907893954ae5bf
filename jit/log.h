// JANUS_LOG lines for tier 1: `janus: <category>: ...`, one line per event, naming the
// function's qualname and file:line of the instruction concerned.
#pragma once

#include <string>

#include "jit/cpython.h"

namespace janus::jit {

enum class LogCategory { Tiers, Traces, Deopts };

void configure_log(bool tiers, bool traces, bool deopts, bool dump);
bool log_enabled(LogCategory category);
bool dump_enabled();
// "f (file.py:12)" for instruction `pc` (code units) of `code`.
std::string where(PyCodeObject* code, int pc);
void log(LogCategory category, const std::string& message);

}  // namespace janus::jit
