#include "tests/support/metrics_log.h"

#include <algorithm>

#include "tests/support/slurp.h"

namespace tessera::test_support {

std::vector<nlohmann::json> read_metrics(const std::filesystem::path& file) {
  std::vector<nlohmann::json> rows;
  const std::string text = slurp(file);
  size_t begin = 0;
  for (size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    nlohmann::json j = nlohmann::json::parse(text.substr(begin, end - begin), nullptr, false);
    if (!j.is_discarded()) rows.push_back(j);
  }
  return rows;
}

int64_t progress_of(const std::filesystem::path& file) {
  int64_t step = 0;
  for (const auto& j : read_metrics(file))
    if (j.contains("step")) step = std::max<int64_t>(step, j["step"].get<int64_t>());
  return step;
}

}  // namespace tessera::test_support
