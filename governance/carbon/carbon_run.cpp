#include "governance/carbon/carbon_run.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace tessera::carbon {

CarbonTotals total_of(const std::vector<CarbonRun>& runs) {
  CarbonTotals t;
  for (const auto& r : runs) {
    t.duration_s += r.duration_s;
    t.cpu_j += r.cpu.joules;
    t.gpu_j += r.gpu.joules;
    t.ram_j += r.ram.joules;
    t.emissions_kg += r.emissions_kg();
  }
  return t;
}

std::string new_run_id() {
  std::random_device device;
  std::mt19937_64 bits((static_cast<uint64_t>(device()) << 32) ^ device() ^
                       static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  const uint64_t hi = (bits() & 0xffffffffffff0fffull) | 0x4000ull, lo = (bits() & 0x3fffffffffffffffull) | 0x8000000000000000ull;
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return text;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace tessera::carbon
