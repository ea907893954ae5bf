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

// What a describer reports about one value (tensors: dtype, shape, device, grad), without
// copies: a site compares it in place with the description it kept, so that the common
// case (the same description again) allocates nothing. The strings must outlive the call
// (static strings); `shape` points into the buffer the describer was given.
constexpr int kMaxDescribedDims = 16;
struct DescriptionView {
  const char* dtype = nullptr;
  const char* device = nullptr;
  const int64_t* shape = nullptr;
  int ndim = 0;
  bool requires_grad = false;
};

// The description a site keeps: the first one its operand saw.
struct ValueDescription {
  std::string dtype;
  std::vector<int64_t> shape;
  std::string device;
  bool requires_grad = false;
  // The describer's own strings for dtype and device when first seen: a describer hands
  // out the same static strings each time, so equal pointers skip comparing the text.
  const char* seen_dtype = nullptr;
  const char* seen_device = nullptr;
  explicit ValueDescription(const DescriptionView& view);
  bool matches(const DescriptionView& view) const;
};

// A process-lifetime copy of `name`, shared by every profile that mentions it (profiles
// outlive the types and functions they name; one copy per name keeps sites small).
const char* intern_name(const char* name);

// A describer fills `out` for objects of the type it was registered for, sizes into
// `shape_buffer` (kMaxDescribedDims of them); false = no info (say nothing rather than
// something partial: a value of higher rank is not described).
using Describer = bool (*)(PyObject* value, int64_t* shape_buffer, DescriptionView* out);
// Registers a describer for exact instances of `type` (interop registers the tensor type).
// Holds a reference to `type`. Replaces an earlier describer for the same type.
void register_describer(PyTypeObject* type, Describer describer);

// The types seen at one operand: up to kTypeSlots distinct types with counts, then
// `other` counts values of further types (the site is megamorphic).
// Profiles never keep objects alive (that would change when finalizers and weakref
// callbacks run): type pointers are identities only, their names are copied when first seen.
// One slot's count, that of the type seen last, is not stored: it is the site's count less
// the other slots' counts and `other` (Site::type_count), so that a site that keeps seeing
// one type records one increment per execution (Site::expected holds the type the inline
// check compares with). When another type comes, the derived count is written down and the
// new type's slot becomes the derived one.
struct TypeFeedback {
  static constexpr int kTypeSlots = 4;
  const PyTypeObject* types[kTypeSlots] = {};  // identities, not references
  const char* type_names[kTypeSlots] = {};     // interned copies (intern_name)
  uint64_t stored_counts[kTypeSlots] = {};     // values of each type, except types[derived]
  uint64_t other = 0;
  uint64_t stored_total = 0;  // `other` plus stored_counts[i] for every i but `derived`
  uint8_t derived = 0;  // the slot whose count is derived from the site's count
  // The first description of a described value, and whether all later ones matched it.
  // Once one did not, values are no longer described (nothing can make it stable again),
  // and the site's inline check takes them like any other type's.
  bool described = false;
  bool description_stable = true;
  std::unique_ptr<ValueDescription> description;  // only for described values

  uint8_t described_slots = 0;  // bit i: types[i] has a registered describer

  // A value whose site count (`site_count`, this value included) was already taken: out
  // of line, when the inline check failed.
  void record_slow(PyObject* value, uint64_t site_count);
  // The type the site's inline check may compare with: types[derived] unless its values
  // are still described (then nullptr, which no value's type equals, so every value is
  // recorded out of line and compared with the description).
  const PyTypeObject* fast_type() const {
    return (described_slots & (1 << derived)) && description_stable ? nullptr : types[derived];
  }
  // How many values of types[slot] were seen, given the site's count.
  uint64_t type_count(int slot, uint64_t site_count) const {
    return slot != derived ? stored_counts[slot] : site_count - stored_total;
  }
  void clear();
};

struct Site {
  // Executions (loops: back-edges taken). The fields the inline checks touch come first,
  // side by side.
  uint64_t count = 0;
  // operands[i].fast_type(): an execution whose operands have exactly these types is
  // recorded by `++count` alone (their derived slots' counts follow from it).
  const PyTypeObject* expected[2] = {};
  // Calls: a callable already in `targets` (not a bound method) whose type is expected[0]:
  // calling it again changes nothing but `count`.
  const void* expected_target = nullptr;
  uint64_t taken = 0;        // branches: jumped (not taken = count - taken)
  uint64_t next_hot_loop = 0;  // loops: the count at which the loop hook runs next
  int offset = 0;  // instruction offset in code units
  SiteKind kind = SiteKind::BinaryOp;
  int oparg = 0;              // with EXTENDED_ARG prefixes applied
  TypeFeedback operands[2];  // binary op / compare: left, right; attribute: receiver; call: callable
  const void* targets[4] = {};          // calls: distinct callables seen (identities only;
  const char* target_names[4] = {};     // a bound method counts as its function; interned)
  uint64_t other_targets = 0;

  // How many values of operands[operand].types[slot] were seen (that slot must be set).
  uint64_t type_count(int operand, int slot) const {
    return operands[operand].type_count(slot, count);
  }
  uint64_t not_taken() const { return count - taken; }  // branches: fell through
};

// Records one execution of a site with one or two operand types. The common case (every
// operand of its site's expected type) stays inline: one increment and one compare per
// operand. The record functions are forced inline: GCC keeps them out of line in the huge
// dispatch loop otherwise, and a call costs more than the record.
void record_types_slow(Site* site, PyObject* a, PyObject* b);
[[gnu::always_inline]] inline void record_types(Site* site, PyObject* a) {
  ++site->count;
  if (__builtin_expect(Py_TYPE(a) != site->expected[0], 0)) record_types_slow(site, a, nullptr);
}
[[gnu::always_inline]] inline void record_types(Site* site, PyObject* a, PyObject* b) {
  ++site->count;
  if (__builtin_expect(Py_TYPE(a) != site->expected[0] || Py_TYPE(b) != site->expected[1], 0)) {
    record_types_slow(site, a, b);
  }
}

// Records one execution of a conditional branch.
[[gnu::always_inline]] inline void record_branch(Site* site, bool jumped) {
  ++site->count;
  site->taken += jumped;
}

struct CodeProfile {
  PyCodeObject* code = nullptr;  // borrowed: the profile lives as long as its code object
  uint64_t calls = 0;            // frames entered
  bool hot_reported = false;
  std::vector<Site> sites;
  std::vector<Site*> site_at;  // code unit -> its site (into `sites`, never resized), or null
  // site_at's address less 4 x the code's first instruction's address (modulo 2^64), so
  // that the site of an instruction is one scaled load from the instruction's address (the
  // code units live inside the code object, which outlives its profile).
  uintptr_t site_bias = 0;
  // FOR_ITERs heading a loop the JIT has a trace for (vm.h mark_loop_entry): code unit ->
  // 1; has_loop_entries is the one test tier 0's FOR_ITER makes otherwise.
  bool has_loop_entries = false;
  std::vector<uint8_t> loop_entry;

  Site* site(int offset) { return site_at[offset]; }
  Site* site_of(const _Py_CODEUNIT* instr) const {
    static_assert(sizeof(Site*) == 4 * sizeof(_Py_CODEUNIT));
    return *reinterpret_cast<Site* const*>(site_bias + reinterpret_cast<uintptr_t>(instr) * 4);
  }
};

// Builds the profile for `code` (sites for every profiled instruction). The caller owns it.
CodeProfile* create_profile(PyCodeObject* code);
// Frees a profile; if a dump was requested, its lines are kept for the dump first.
void destroy_profile(CodeProfile* profile);

// Records one execution of a call site and its callable (a bound method counts as its
// function). The common case, the callable the site saw last, stays inline.
void record_call_target_slow(Site* site, PyObject* callable);
[[gnu::always_inline]] inline void record_call_target(Site* site, PyObject* callable) {
  ++site->count;
  if (__builtin_expect(callable != site->expected_target || Py_TYPE(callable) != site->expected[0], 0)) {
    record_call_target_slow(site, callable);
  }
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
