// Janus options: the JANUS_* table of options.def, parsed once at start-up.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace janus {

enum class OptionId {
#define JANUS_OPTION(id, env, kind, def, allowed, help) id,
#include "common/options.def"
#undef JANUS_OPTION
  Count
};

enum class OptionKind { Enum, List, Int, Path };

struct OptionSpec {
  OptionId id;
  std::string_view env_name;    // JANUS_VM
  OptionKind kind;
  std::string_view default_value;
  std::string_view allowed;     // "a|b|c"; empty: any value
  std::string_view help;
};

// The whole table, in declaration order.
const std::vector<OptionSpec>& option_table();
const OptionSpec& option_spec(OptionId id);

// `-X` spelling of an option: JANUS_PROFILE_DUMP -> janus-profile-dump.
std::string option_xname(const OptionSpec& spec);

// Checks one value against its spec. Returns an error message naming the variable and its
// allowed values, or nothing when the value is valid.
std::optional<std::string> validate_option(const OptionSpec& spec, std::string_view value);

// The values in force. set() validates; get() returns the default when unset.
class Options {
 public:
  std::optional<std::string> set(OptionId id, std::string_view value);
  const std::string& get(OptionId id) const;
  // For List options: whether `item` is among the comma-separated values.
  bool has(OptionId id, std::string_view item) const;

 private:
  std::string values_[static_cast<int>(OptionId::Count)];
  bool is_set_[static_cast<int>(OptionId::Count)] = {};
};

// The process-wide options, filled by the launcher before any frame runs.
Options& options();

}  // namespace janus
