// The JANUS_* options table: every entry validates its own default, and bad values produce
// a message naming the variable and what it accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/options.h"

namespace janus {
namespace {

TEST(Options, EveryDefaultIsValid) {
  for (const auto& spec : option_table()) {
    EXPECT_FALSE(validate_option(spec, spec.default_value).has_value()) << spec.env_name;
  }
}

TEST(Options, EnumRejectsUnknownValueAndNamesAllowedOnes) {
  auto error = validate_option(option_spec(OptionId::Vm), "sometimes");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("JANUS_VM=sometimes"), std::string::npos) << *error;
  EXPECT_NE(error->find("default, all, none"), std::string::npos) << *error;
}

TEST(Options, ListAcceptsSubsetsAndRejectsStrangers) {
  const auto& log = option_spec(OptionId::Log);
  EXPECT_FALSE(validate_option(log, "tiers,deopts").has_value());
  EXPECT_FALSE(validate_option(log, "all").has_value());
  EXPECT_TRUE(validate_option(log, "tiers,bogus").has_value());
}

TEST(Options, SetGetAndDefaults) {
  Options opts;
  EXPECT_EQ(opts.get(OptionId::Vm), "default");
  EXPECT_FALSE(opts.set(OptionId::Vm, "all").has_value());
  EXPECT_EQ(opts.get(OptionId::Vm), "all");
  EXPECT_TRUE(opts.set(OptionId::Vm, "x").has_value());
  EXPECT_EQ(opts.get(OptionId::Vm), "all") << "a rejected value must not replace the old one";
  EXPECT_FALSE(opts.set(OptionId::Log, "vm,tiers").has_value());
  EXPECT_TRUE(opts.has(OptionId::Log, "tiers"));
  EXPECT_FALSE(opts.has(OptionId::Log, "deopts"));
}

TEST(Options, XNameIsLowerCaseWithDashes) {
  EXPECT_EQ(option_xname(option_spec(OptionId::ProfileDump)), "janus-profile-dump");
}

}  // namespace
}  // namespace janus

namespace janus {
namespace {

// docs/options.md is the user's one page on options; it must list every option of the table
// with its -X form and default.
TEST(Options, DocumentedInDocsOptionsMd) {
  std::ifstream file(std::string(JANUS_SOURCE_DIR) + "/docs/options.md");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  for (const auto& spec : option_table()) {
    const std::string row_start = "| `" + std::string(spec.env_name) + "` | `" +
                                  option_xname(spec) + "` | ";
    size_t row = doc.find(row_start);
    ASSERT_NE(row, std::string::npos) << spec.env_name << " is missing from docs/options.md";
    std::string rest = doc.substr(row + row_start.size(), 40);
    if (!spec.default_value.empty()) {
      EXPECT_EQ(rest.rfind("`" + std::string(spec.default_value) + "`", 0), 0u)
          << spec.env_name << ": default in docs differs";
    }
  }
}

}  // namespace
}  // namespace janus
