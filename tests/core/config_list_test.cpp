// Config lists: a YAML sequence or a single scalar, checked and written back into the effective config.
#include <gtest/gtest.h>

#include <functional>

#include "core/config/config.h"
#include "core/util/error.h"

namespace tessera::config {
namespace {

TEST(ConfigLists, SequenceOrScalar) {
  ConfigFile f = ConfigFile::parse("data:\n  files: [a.nc, b.nc]\n  variables: t2m\n  leads: [1, 6.5]\n", "cfg.yaml");
  Section data = f.root().section("data");
  EXPECT_EQ(data.texts("files", {}), (std::vector<std::string>{"a.nc", "b.nc"}));
  EXPECT_EQ(data.texts("variables", {}), std::vector<std::string>{"t2m"});
  EXPECT_EQ(data.numbers("leads", {}, 0, 24), (std::vector<double>{1, 6.5}));
  EXPECT_EQ(data.numbers("absent", {3}), std::vector<double>{3});
  data.finish();
  EXPECT_NE(f.effective_yaml().find("absent"), std::string::npos);  // defaults are written back
}

TEST(ConfigLists, WrongValuesNameTheKey) {
  ConfigFile f = ConfigFile::parse("m:\n  leads: [1, x]\n  big: [100]\n  nested: [[1]]\n  map: {a: 1}\n", "cfg.yaml");
  Section m = f.root().section("m");
  auto message = [](const std::function<void()>& read) {
    try {
      read();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([&] { m.numbers("leads", {}); }), "m.leads: expected a list of numbers, got 'x'");
  EXPECT_EQ(message([&] { m.numbers("big", {}, 0, 24); }), "m.big: values must lie in [0, 24], got 100");
  EXPECT_EQ(message([&] { m.texts("nested", {}); }), "m.nested: expected a list of values, got a list in the list");
  EXPECT_EQ(message([&] { m.texts("map", {}); }), "m.map: expected a list of values, got a mapping");
}

TEST(ConfigLists, ListOfMappingsNamesEachItem) {
  ConfigFile f = ConfigFile::parse("items:\n  - {name: a, flags: {x: 1, y: [2, 3]}}\n  - {name: b, typo: 1}\n", "cfg.yaml");
  Section root = f.root();
  std::vector<Section> items = root.sections("items");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].text("name", ""), "a");
  Section flags = items[0].section("flags");
  EXPECT_EQ(flags.keys(), (std::vector<std::string>{"x", "y"}));
  for (const std::string& key : flags.keys()) flags.texts(key, {});
  flags.finish();
  items[0].finish();
  EXPECT_EQ(items[1].text("name", ""), "b");
  try {
    items[1].finish();
    ADD_FAILURE() << "an unknown key in a list item passed";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'items[1].typo'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(root.sections("absent").empty());
  ConfigFile bad = ConfigFile::parse("items: [1]\n", "cfg.yaml");
  EXPECT_THROW(bad.root().sections("items"), ConfigError);
}

}  // namespace
}  // namespace tessera::config
