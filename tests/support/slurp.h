#pragma once
#include <filesystem>
#include <string>

namespace tessera::test_support {

// The whole file, byte for byte; empty when it cannot be read (a file that is gone is no error:
// tests read /proc entries and logs that may vanish).
std::string slurp(const std::filesystem::path& path);

}  // namespace tessera::test_support
