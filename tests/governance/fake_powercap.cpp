#include "tests/governance/fake_powercap.h"

#include <filesystem>
#include <fstream>

namespace tessera::test_support {

namespace fs = std::filesystem;

FakePowercap::FakePowercap() : scratch_(std::make_unique<ScratchDir>()), root_(scratch_->str()) { build(); }

FakePowercap::FakePowercap(std::string root) : root_(std::move(root)) { build(); }

void FakePowercap::build() {
  fs::create_directories(root_);
  zone("intel-rapl:0", "package-0", 1000000);
  zone("intel-rapl:0:0", "core", 500000);
  zone("intel-rapl:0:1", "uncore", 100000);
  zone("intel-rapl:0:2", "dram", 200000);
  zone("intel-rapl:1", "package-1", kMaxRangeUj - 1000);
  zone("intel-rapl:2", "psys", 9000000);
  zone("intel-rapl-mmio:0", "package-0", 1000000);
  fs::create_directories(fs::path(root_) / "intel-rapl");  // the control-type folder: no counter
}

FakePowercap::~FakePowercap() {
  if (scratch_) return;  // the scratch folder removes itself
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void FakePowercap::zone(const std::string& name, const std::string& label, uint64_t energy_uj) {
  const fs::path dir = fs::path(root_) / name;
  fs::create_directories(dir);
  std::ofstream(dir / "name") << label << "\n";
  std::ofstream(dir / "max_energy_range_uj") << kMaxRangeUj << "\n";
  set(name, energy_uj);
}

void FakePowercap::set(const std::string& zone, uint64_t energy_uj) {
  const fs::path file = fs::path(root_) / zone / "energy_uj", tmp = fs::path(root_) / zone / "energy_uj.tmp";
  std::ofstream(tmp) << energy_uj << "\n";
  fs::rename(tmp, file);
}

uint64_t FakePowercap::get(const std::string& zone) const {
  uint64_t v = 0;
  std::ifstream(fs::path(root_) / zone / "energy_uj") >> v;
  return v;
}

void FakePowercap::add(const std::string& zone, uint64_t uj) { set(zone, (get(zone) + uj) % kMaxRangeUj); }

}  // namespace tessera::test_support
