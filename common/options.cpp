#include "common/options.h"

#include <cctype>

namespace janus {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string allowed_list(std::string_view allowed) {
  std::string out;
  for (auto part : split(allowed, '|')) {
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

bool is_allowed(std::string_view allowed, std::string_view value) {
  for (auto part : split(allowed, '|')) {
    if (part == value) return true;
  }
  return false;
}

}  // namespace

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> table = {
#define JANUS_OPTION(id, env, kind, def, allowed, help) \
  {OptionId::id, env, OptionKind::kind, def, allowed, help},
#include "common/options.def"
#undef JANUS_OPTION
  };
  return table;
}

const OptionSpec& option_spec(OptionId id) { return option_table()[static_cast<int>(id)]; }

std::string option_xname(const OptionSpec& spec) {
  std::string name;
  for (char c : spec.env_name) {
    name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

std::optional<std::string> validate_option(const OptionSpec& spec, std::string_view value) {
  auto bad = [&](std::string_view what) {
    return std::string(spec.env_name) + "=" + std::string(value) + " is not valid: " +
           std::string(what);
  };
  switch (spec.kind) {
    case OptionKind::Enum:
      if (!is_allowed(spec.allowed, value)) {
        return bad("allowed values are " + allowed_list(spec.allowed));
      }
      return std::nullopt;
    case OptionKind::List:
      if (value.empty()) return std::nullopt;
      for (auto item : split(value, ',')) {
        if (item != "all" && !is_allowed(spec.allowed, item)) {
          return bad("a comma-separated list of " + allowed_list(spec.allowed) + ", or all");
        }
      }
      return std::nullopt;
    case OptionKind::Int:
      if (value.empty()) return bad("expected a non-negative integer");
      for (char c : value) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          return bad("expected a non-negative integer");
        }
      }
      return std::nullopt;
    case OptionKind::Path:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Options::set(OptionId id, std::string_view value) {
  const OptionSpec& spec = option_spec(id);
  if (auto error = validate_option(spec, value)) return error;
  values_[static_cast<int>(id)] = std::string(value);
  is_set_[static_cast<int>(id)] = true;
  return std::nullopt;
}

const std::string& Options::get(OptionId id) const {
  int i = static_cast<int>(id);
  if (!is_set_[i]) {
    // Defaults are materialized lazily so a default-constructed Options is usable.
    auto& self = const_cast<Options&>(*this);
    self.values_[i] = std::string(option_spec(id).default_value);
    self.is_set_[i] = true;
  }
  return values_[i];
}

bool Options::has(OptionId id, std::string_view item) const {
  for (auto part : split(get(id), ',')) {
    if (part == item || part == "all") return true;
  }
  return false;
}

Options& options() {
  static Options instance;
  return instance;
}

}  // namespace janus
