// Site profiles: building the per-code site table, recording feedback, reporting hotness.
#include "common/cpython_internal.h"

#include "profiles/profile.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_set>

namespace janus::profiles {

Settings g_settings;

namespace {

struct DescriberEntry {
  PyTypeObject* type;
  Describer describer;
};
std::vector<DescriberEntry> g_describers;

// The site kind of a (deoptimized) opcode, or false for instructions without a site.
bool site_kind_of(int opcode, SiteKind* kind) {
  switch (opcode) {
    case BINARY_OP: *kind = SiteKind::BinaryOp; return true;
    case COMPARE_OP: *kind = SiteKind::Compare; return true;
    case LOAD_ATTR:
    case LOAD_METHOD:
    case STORE_ATTR: *kind = SiteKind::Attribute; return true;
    case CALL:
    case CALL_FUNCTION_EX: *kind = SiteKind::Call; return true;
    case POP_JUMP_FORWARD_IF_FALSE:
    case POP_JUMP_FORWARD_IF_TRUE:
    case POP_JUMP_BACKWARD_IF_FALSE:
    case POP_JUMP_BACKWARD_IF_TRUE:
    case POP_JUMP_FORWARD_IF_NONE:
    case POP_JUMP_FORWARD_IF_NOT_NONE:
    case POP_JUMP_BACKWARD_IF_NONE:
    case POP_JUMP_BACKWARD_IF_NOT_NONE: *kind = SiteKind::Branch; return true;
    case JUMP_BACKWARD: *kind = SiteKind::Loop; return true;
    default: return false;
  }
}

}  // namespace

const char* site_kind_name(SiteKind kind) {
  switch (kind) {
#define JANUS_SITE_KIND_NAME(id, name) \
  case SiteKind::id: return name;
    JANUS_SITE_KINDS(JANUS_SITE_KIND_NAME)
#undef JANUS_SITE_KIND_NAME
  }
  return "?";
}

ValueDescription::ValueDescription(const DescriptionView& view)
    : dtype(view.dtype),
      shape(view.shape, view.shape + view.ndim),
      device(view.device),
      requires_grad(view.requires_grad),
      seen_dtype(view.dtype),
      seen_device(view.device) {}

bool ValueDescription::matches(const DescriptionView& view) const {
  return requires_grad == view.requires_grad && shape.size() == static_cast<size_t>(view.ndim) &&
         std::equal(shape.begin(), shape.end(), view.shape) &&
         (view.dtype == seen_dtype || dtype == view.dtype) &&
         (view.device == seen_device || device == view.device);
}

const char* intern_name(const char* name) {
  static auto* pool = new std::unordered_set<std::string>;
  return pool->insert(name).first->c_str();
}

void register_describer(PyTypeObject* type, Describer describer) {
  for (auto& entry : g_describers) {
    if (entry.type == type) {
      entry.describer = describer;
      return;
    }
  }
  Py_INCREF(type);
  g_describers.push_back({type, describer});
}

namespace {

// A type a site sees for the first time: its slot, or kTypeSlots when all are taken.
[[gnu::noinline]] int add_type(TypeFeedback* feedback, PyTypeObject* type) {
  for (int slot = 0; slot < TypeFeedback::kTypeSlots; slot++) {
    if (feedback->types[slot] == nullptr) {
      feedback->types[slot] = type;
      feedback->type_names[slot] = intern_name(type->tp_name);
      for (const auto& entry : g_describers) {
        if (entry.type == type) feedback->described_slots |= 1 << slot;
      }
      return slot;
    }
  }
  return TypeFeedback::kTypeSlots;
}

// Runs the describer of a described value's type and compares what it says with the
// site's description in place: a site that keeps seeing one description allocates nothing.
// Out of line: its shape buffer would make every record_slow set up a large frame.
[[gnu::noinline]] void describe(TypeFeedback* feedback, PyObject* value) {
  if (!feedback->description_stable) return;  // unstable for good: nothing to learn
  for (const auto& entry : g_describers) {
    if (entry.type != Py_TYPE(value)) continue;
    int64_t shape[kMaxDescribedDims];
    DescriptionView seen;
    if (!entry.describer(value, shape, &seen)) return;
    if (__builtin_expect(feedback->described, 1)) {
      if (!feedback->description->matches(seen)) feedback->description_stable = false;
    } else {
      feedback->description = std::make_unique<ValueDescription>(seen);
      feedback->described = true;
    }
    return;
  }
}

}  // namespace

void TypeFeedback::record_slow(PyObject* value, uint64_t site_count) {
  PyTypeObject* type = Py_TYPE(value);
  int slot = 0;
  while (slot < kTypeSlots && types[slot] != type) slot++;
  if (slot == kTypeSlots) {
    slot = add_type(this, type);
    if (slot == kTypeSlots) {
      ++other;
      ++stored_total;
      return;
    }
  }
  if (slot != derived) {
    // Count this value, write the derived slot's count down (exact now: every value but
    // those of types[derived] is in a stored count), and derive this type's from now on.
    ++stored_counts[slot];
    ++stored_total;
    stored_counts[derived] = site_count - stored_total;
    stored_total += stored_counts[derived] - stored_counts[slot];
    derived = static_cast<uint8_t>(slot);
  }
  if (described_slots & (1 << slot)) describe(this, value);
}

void record_types_slow(Site* site, PyObject* a, PyObject* b) {
  site->operands[0].record_slow(a, site->count);
  site->expected[0] = site->operands[0].fast_type();
  if (b != nullptr) {
    site->operands[1].record_slow(b, site->count);
    site->expected[1] = site->operands[1].fast_type();
  }
}

void TypeFeedback::clear() {
  for (int i = 0; i < kTypeSlots; i++) {
    types[i] = nullptr;
    type_names[i] = nullptr;
  }
}

// A readable name for a call target, taken when the target is first seen.
static std::string target_name(PyObject* callable) {
  if (PyFunction_Check(callable)) {
    PyObject* name = reinterpret_cast<PyFunctionObject*>(callable)->func_qualname;
    const char* text = PyUnicode_AsUTF8(name);
    if (text != nullptr) return text;
    PyErr_Clear();
  }
  if (PyType_Check(callable)) return reinterpret_cast<PyTypeObject*>(callable)->tp_name;
  if (PyCFunction_Check(callable)) {
    return reinterpret_cast<PyCFunctionObject*>(callable)->m_ml->ml_name;
  }
  return Py_TYPE(callable)->tp_name;
}

void record_call_target_slow(Site* site, PyObject* callable) {
  site->operands[0].record_slow(callable, site->count);
  site->expected[0] = site->operands[0].fast_type();
  PyObject* target = PyMethod_Check(callable) ? PyMethod_GET_FUNCTION(callable) : callable;
  for (int i = 0; i < 4; i++) {
    if (site->targets[i] == nullptr) {
      site->targets[i] = target;
      site->target_names[i] = intern_name(target_name(target).c_str());
    }
    if (site->targets[i] == target) {
      // A bound method is a new object per call: only plain callables take the inline path.
      site->expected_target = target == callable ? callable : nullptr;
      return;
    }
  }
  site->expected_target = nullptr;
  ++site->other_targets;
}

CodeProfile* create_profile(PyCodeObject* code) {
  auto* profile = new CodeProfile;
  profile->code = code;
  Py_ssize_t n = Py_SIZE(code);
  profile->site_at.assign(n, nullptr);
  std::vector<int> offsets;
  _Py_CODEUNIT* instr = _PyCode_CODE(code);
  int extended = 0;  // oparg bits from preceding EXTENDED_ARGs
  for (Py_ssize_t i = 0; i < n;) {
    int opcode = _PyOpcode_Deopt[_Py_OPCODE(instr[i])];
    int oparg = (extended << 8) | _Py_OPARG(instr[i]);
    extended = opcode == EXTENDED_ARG ? oparg : 0;
    SiteKind kind;
    if (site_kind_of(opcode, &kind)) {
      Site site;
      site.offset = (int)i;
      site.kind = kind;
      site.oparg = oparg;
      if (kind == SiteKind::Loop) site.next_hot_loop = g_settings.hot_loop;
      offsets.push_back((int)i);
      profile->sites.push_back(std::move(site));
    }
    i += 1 + _PyOpcode_Caches[opcode];
  }
  // `sites` is complete: pointers into it stay valid for the profile's life.
  for (size_t k = 0; k < offsets.size(); k++) profile->site_at[offsets[k]] = &profile->sites[k];
  profile->site_bias = reinterpret_cast<uintptr_t>(profile->site_at.data()) -
                       reinterpret_cast<uintptr_t>(_PyCode_CODE(code)) * 4;
  track(profile);
  return profile;
}

namespace {

std::unordered_set<CodeProfile*>& live_profiles() {
  static auto* set = new std::unordered_set<CodeProfile*>;
  return *set;
}

// Lines of profiles whose code objects died before the dump was written.
std::string& dead_lines() {
  static auto* lines = new std::string;
  return *lines;
}

}  // namespace

void track(CodeProfile* profile) { live_profiles().insert(profile); }

void destroy_profile(CodeProfile* profile) {
  live_profiles().erase(profile);
  if (!g_settings.dump_path.empty() && profile->calls > 0) dump_profile(*profile, &dead_lines());
  for (auto& site : profile->sites) {
    site.operands[0].clear();
    site.operands[1].clear();
  }
  delete profile;
}

void configure(const Settings& settings) { g_settings = settings; }

static int line_of(PyCodeObject* code, int offset) {
  return PyCode_Addr2Line(code, offset * (int)sizeof(_Py_CODEUNIT));
}

void report_hot_call(CodeProfile* profile) {
  if (!g_settings.log) return;
  std::fprintf(stderr, "janus[profiles]: hot function %s (%s:%d) after %llu calls\n",
               PyUnicode_AsUTF8(profile->code->co_qualname),
               PyUnicode_AsUTF8(profile->code->co_filename), profile->code->co_firstlineno,
               (unsigned long long)profile->calls);
}

int loop_head(const Site& loop) { return loop.offset + 1 - loop.oparg; }

void report_hot_loop(CodeProfile* profile, Site* loop) {
  if (!g_settings.log) return;
  std::fprintf(stderr, "janus[profiles]: hot loop in %s (%s:%d) after %llu iterations\n",
               PyUnicode_AsUTF8(profile->code->co_qualname),
               PyUnicode_AsUTF8(profile->code->co_filename),
               line_of(profile->code, loop_head(*loop)), (unsigned long long)loop->count);
}

}  // namespace janus::profiles

namespace janus::profiles {

bool write_dump() {
  if (g_settings.dump_path.empty()) return true;
  std::string text = dead_lines();
  for (CodeProfile* profile : live_profiles()) {
    if (profile->calls > 0) dump_profile(*profile, &text);
  }
  std::FILE* file = std::fopen(g_settings.dump_path.c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "janus: cannot write JANUS_PROFILE_DUMP=%s\n", g_settings.dump_path.c_str());
    return false;
  }
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
  return true;
}

}  // namespace janus::profiles
