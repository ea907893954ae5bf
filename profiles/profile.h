// Site profiles: cheap per-instruction feedback recorded by tier 0 and read by the JIT.
// One CodeProfile per code object; one Site per profiled instruction (binary ops, compares,
// attribute loads/stores, calls, conditional branches, loop back-edges). Nothing here
// executes code: the VM calls the record functions, the JIT reads the structures.
#pragma once

#include <Python.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace janus::profiles {

// Which instruction family a site belongs to; the JSON dump spells these in lower case.
#define JANUS_SITE_KINDS(_) \
  _(BinaryOp, "binary_op")  \
  _(Compare, "compare")     \
  _(Attribute, "attribute") \
  _(Call, "call")           \
  _(Branch, "branch")       \
  _(Loop, "loop")

enum class SiteKind : uint8_t {
#define JANUS_SITE_KIND_ENUM(id, name) id,
  JANUS_SITE_KINDS(JANUS_SITE_KIND_ENUM)
#undef JANUS_SITE_KIND_ENUM
};
const char* site_kind_name(SiteKind kind);

// What a registered describer says about one value (tensors: dtype, shape, device, grad).
struct ValueDescription {
  std::string dtype;
  std::vector<int64_t> shape;
  std::string device;
  bool requires_grad = false;
  bool operator==(const ValueDescription&) const = default;
};

// A process-lifetime copy of `name`, shared by every profile that mentions it (profiles
// outlive the types and functions they name; one copy per name keeps sites small).
const char* intern_name(const char* name);

// A describer fills `out` for objects of the type it was registered for; false = no info.
using Describer = bool (*)(PyObject* value, ValueDescription* out);
// Registers a describer for exact instances of `type` (interop registers the tensor type).
// Holds a reference to `type`. Replaces an earlier describer for the same type.
void register_describer(PyTypeObject* type, Describer describer);

// The types seen at one operand: up to kTypeSlots distinct types with counts, then
// `other` counts values of further types (the site is megamorphic).
// Profiles never keep objects alive (that would change when finalizers and weakref
// callbacks run): type pointers are identities only, their names are copied when first seen.
struct TypeFeedback {
  static constexpr int kTypeSlots = 4;
  const PyTypeObject* types[kTypeSlots] = {};  // identities, not references
  const char* type_names[kTypeSlots] = {};     // interned copies (intern_name)
  uint64_t counts[kTypeSlots] = {};
  uint64_t other = 0;
  // The first description of a described value, and whether all later ones matched it.
  bool described = false;
  bool description_stable = true;
  std::unique_ptr<ValueDescription> description;  // only for described values

  uint8_t described_slots = 0;  // bit i: types[i] has a registered describer

  // The common case (a monomorphic site, no describer) stays inline: two compares.
  void record(PyObject* value) {
    if (types[0] == Py_TYPE(value) && described_slots == 0) {
      ++counts[0];
      return;
    }
    record_slow(value);
  }
  void record_slow(PyObject* value);
  void clear();
};

struct Site {
  int offset = 0;  // instruction offset in code units
  SiteKind kind = SiteKind::BinaryOp;
  int oparg = 0;              // with EXTENDED_ARG prefixes applied
  uint64_t count = 0;        // executions (loops: back-edges taken)
  TypeFeedback operands[2];  // binary op / compare: left, right; attribute: receiver; call: callable
  uint64_t taken = 0;        // branches: jumped
  uint64_t not_taken = 0;    // branches: fell through
  const void* targets[4] = {};          // calls: distinct callables seen (identities only;
  const char* target_names[4] = {};     // a bound method counts as its function; interned)
  uint64_t other_targets = 0;
};

struct CodeProfile {
  PyCodeObject* code = nullptr;  // borrowed: the profile lives as long as its code object
  uint64_t calls = 0;            // frames entered
  bool hot_reported = false;
  std::vector<Site> sites;
  std::vector<Site*> site_at;  // code unit -> its site (into `sites`, never resized), or null

  Site* site(int offset) { return site_at[offset]; }
};

// Builds the profile for `code` (sites for every profiled instruction). The caller owns it.
CodeProfile* create_profile(PyCodeObject* code);
// Frees a profile; if a dump was requested, its lines are kept for the dump first.
void destroy_profile(CodeProfile* profile);

// Records a call's callable (a bound method counts as its function). The common case, a
// callable already seen, stays inline.
void record_call_target_slow(Site* site, PyObject* callable);
inline void record_call_target(Site* site, PyObject* callable) {
  for (const void* target : site->targets) {
    if (target == callable) {
      site->operands[0].record(callable);
      return;
    }
  }
  record_call_target_slow(site, callable);
}

// Hotness thresholds (JANUS_HOT_CALL, JANUS_HOT_LOOP) and the dump path, read at start-up.
struct Settings {
  uint64_t hot_call = 1000;
  uint64_t hot_loop = 1000;
  bool log = false;  // JANUS_LOG=profiles
  std::string dump_path;
};
void configure(const Settings& settings);
extern Settings g_settings;  // profile.cpp; inline because every frame entry reads it
inline const Settings& settings() { return g_settings; }

// The offset (code units) a loop site's back-edge jumps to: the loop head.
int loop_head(const Site& loop);

// Called when a function's entry count reaches hot_call / a loop's back-edges reach hot_loop.
void report_hot_call(CodeProfile* profile);
void report_hot_loop(CodeProfile* profile, Site* loop);

// One JSON object per site: file, line, function, kind, counts, types. Appends to `out`.
void dump_profile(const CodeProfile& profile, std::string* out);
// Registers a live profile so the dump at exit sees it (and forgets it when destroyed).
void track(CodeProfile* profile);
// Writes every tracked and every already-destroyed profile to settings().dump_path.
bool write_dump();

}  // namespace janus::profiles
