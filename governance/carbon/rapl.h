#pragma once
// CPU (and DRAM) energy from the Linux powercap interface: Intel RAPL, and AMD's RAPL-compatible
// counters (Zen and later), both exposed as /sys/class/powercap/intel-rapl:N.
//
// Only non-overlapping domains are summed: the package zones intel-rapl:N ("package-N") and the
// DRAM sub-zones intel-rapl:N:M ("dram"), which the package does not include. The core, uncore
// sub-zones lie inside their package; "psys" (the whole SoC on laptops) and intel-rapl-mmio:N (the
// same package counter read through MMIO) overlap the packages; all are skipped.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "governance/carbon/energy_source.h"

namespace tessera::carbon {

// $TESSERA_POWERCAP_ROOT when set (tests point it at a fake tree), else /sys/class/powercap.
std::string powercap_root();

struct RaplDomain {
  std::string path;  // the zone folder
  std::string name;  // its "name" file: package-0, dram
  uint64_t max_energy_range_uj = 0;
};

// The readable package domains (`dram` false) or DRAM domains (`dram` true) under `root`. A
// domain whose energy_uj cannot be read (root-only since Linux 5.10, absent in most VMs) is left out.
std::vector<RaplDomain> find_rapl_domains(const std::string& root, bool dram);

// Microjoules counted between two readings of a counter that wraps to 0 at `max_range_uj`.
uint64_t counter_delta_uj(uint64_t before, uint64_t after, uint64_t max_range_uj);

// Joules of the given domains, read as cumulative counters (wraparound handled; read often
// enough that a counter never wraps twice between reads: at 1 s sampling this holds below
// max_energy_range_uj / 1 s, i.e. hundreds of kW).
class RaplSource final : public EnergySource {
 public:
  RaplSource(Component component, std::vector<RaplDomain> domains);
  Component component() const override { return component_; }
  std::string method() const override { return "rapl"; }
  std::string detail() const override;
  double joules() override;

 private:
  Component component_;
  std::vector<RaplDomain> domains_;
  std::vector<uint64_t> last_uj_;
  double total_uj_ = 0;
};

}  // namespace tessera::carbon
