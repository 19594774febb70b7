#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <cerrno>
#include <system_error>
#include <vector>

namespace tessera::test_support {
namespace {

std::string running_test_name() {
  const auto* unit = ::testing::UnitTest::GetInstance();
  if (const auto* test = unit->current_test_info()) return std::string(test->test_suite_name()) + "-" + test->name();
  if (const auto* suite = unit->current_test_suite()) return suite->name();
  return "test";
}

// Parameterized tests are named Prefix/Suite.Test/Param: keep the name one path component.
std::string file_name_safe(std::string name) {
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return name;
}

}  // namespace

ScratchDir::ScratchDir() : ScratchDir(running_test_name()) {}

ScratchDir::ScratchDir(const std::string& name) {
  const auto pattern = (std::filesystem::temp_directory_path() / ("tessera-" + file_name_safe(name) + "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  path_ = buffer.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover temp folder is harmless
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace tessera::test_support
