#include "jit/log.h"

#include <cstdio>

namespace janus::jit {

namespace {
bool g_enabled[3] = {false, false, false};
int g_dump = 0;
const char* const kNames[3] = {"tiers", "traces", "deopts"};
}  // namespace

void configure_log(bool tiers, bool traces, bool deopts, int dump) {
  g_enabled[0] = tiers;
  g_enabled[1] = traces;
  g_enabled[2] = deopts;
  g_dump = dump;
}

bool log_enabled(LogCategory category) { return g_enabled[static_cast<int>(category)]; }
bool dump_enabled() { return g_dump >= 1; }
bool dump_asm_enabled() { return g_dump >= 2; }
bool dump_bytes_enabled() { return g_dump >= 3; }

std::string where(PyCodeObject* code, int pc) {
  const char* qualname = PyUnicode_AsUTF8(code->co_qualname);
  const char* file = PyUnicode_AsUTF8(code->co_filename);
  if (qualname == nullptr || file == nullptr) {
    PyErr_Clear();
    return "?";
  }
  int line = PyCode_Addr2Line(code, pc * 2);
  return std::string(qualname) + " (" + file + ":" + std::to_string(line) + ")";
}

void log(LogCategory category, const std::string& message) {
  std::fprintf(stderr, "janus: %s: %s\n", kNames[static_cast<int>(category)], message.c_str());
}

}  // namespace janus::jit
