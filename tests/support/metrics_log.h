#pragma once
// Reads back a run's metrics.jsonl while the run may still be writing it.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace tessera::test_support {

// Every complete line of a metrics.jsonl file, parsed (a line still being written is left out).
std::vector<nlohmann::json> read_metrics(const std::filesystem::path& file);
// The largest step a metrics.jsonl file reports so far (0 when none).
int64_t progress_of(const std::filesystem::path& file);

}  // namespace tessera::test_support
