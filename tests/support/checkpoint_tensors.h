#pragma once
// Reads back what a command wrote into a checkpoint, for byte-for-byte comparisons.
#include <map>
#include <string>
#include <vector>

namespace tessera::test_support {

// Every tensor of a checkpoint (parameters and optimizer moments) as raw bytes, keyed by name.
std::map<std::string, std::vector<char>> raw_tensors(const std::string& checkpoint);

}  // namespace tessera::test_support
