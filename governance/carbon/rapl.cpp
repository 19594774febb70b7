#include "governance/carbon/rapl.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace tessera::carbon {
namespace {

namespace fs = std::filesystem;

bool read_line(const fs::path& file, std::string& line) {
  std::ifstream in(file);
  return in && std::getline(in, line);
}

bool read_counter(const fs::path& file, uint64_t& value) {
  std::string line;
  if (!read_line(file, line)) return false;
  try {
    size_t used = 0;
    value = std::stoull(line, &used);
    return used > 0;
  } catch (const std::exception&) {
    return false;
  }
}

uint64_t read_counter_or_throw(const std::string& zone) {
  uint64_t v = 0;
  if (!read_counter(fs::path(zone) / "energy_uj", v)) throw std::runtime_error(zone + "/energy_uj became unreadable");
  return v;
}

}  // namespace

std::string powercap_root() {
  const char* env = std::getenv("TESSERA_POWERCAP_ROOT");
  return env && *env ? env : "/sys/class/powercap";
}

std::vector<RaplDomain> find_rapl_domains(const std::string& root, bool dram) {
  // Zones are listed flat under the root (sub-zones as links): intel-rapl:0, intel-rapl:0:2, ...
  static const std::regex package_zone(R"(intel-rapl:\d+)"), sub_zone(R"(intel-rapl:\d+:\d+)");
  std::vector<RaplDomain> domains;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string zone = entry.path().filename().string();
    if (!std::regex_match(zone, dram ? sub_zone : package_zone)) continue;
    RaplDomain d{entry.path().string(), "", 0};
    uint64_t energy = 0;
    if (!read_line(entry.path() / "name", d.name) || !read_counter(entry.path() / "energy_uj", energy) ||
        !read_counter(entry.path() / "max_energy_range_uj", d.max_energy_range_uj) || d.max_energy_range_uj == 0)
      continue;
    const bool wanted = dram ? d.name == "dram" : d.name.rfind("package", 0) == 0;
    if (wanted) domains.push_back(std::move(d));
  }
  std::sort(domains.begin(), domains.end(), [](const RaplDomain& a, const RaplDomain& b) { return a.path < b.path; });
  return domains;
}

uint64_t counter_delta_uj(uint64_t before, uint64_t after, uint64_t max_range_uj) {
  return after >= before ? after - before : max_range_uj - before + after;
}

RaplSource::RaplSource(Component component, std::vector<RaplDomain> domains)
    : component_(component), domains_(std::move(domains)) {
  for (const auto& d : domains_) last_uj_.push_back(read_counter_or_throw(d.path));
}

std::string RaplSource::detail() const {
  std::string names;
  for (const auto& d : domains_) names += (names.empty() ? "" : ", ") + fs::path(d.path).filename().string() + " (" + d.name + ")";
  return "powercap domains " + names;
}

double RaplSource::joules() {
  for (size_t i = 0; i < domains_.size(); ++i) {
    const uint64_t now = read_counter_or_throw(domains_[i].path);
    total_uj_ += static_cast<double>(counter_delta_uj(last_uj_[i], now, domains_[i].max_energy_range_uj));
    last_uj_[i] = now;
  }
  return total_uj_ * 1e-6;
}

}  // namespace tessera::carbon
