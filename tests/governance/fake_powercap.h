#pragma once
// A powercap tree in a temporary folder, laid out as Linux lays out /sys/class/powercap, with
// counters the test sets: two packages (one with core and dram sub-zones), a psys zone and an
// MMIO duplicate of package 0, which a correct reader must not add.
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/scratch_dir.h"

namespace tessera::test_support {

class FakePowercap {
 public:
  static constexpr uint64_t kMaxRangeUj = 262143328850ull;
  // In a scratch folder of its own, or at `root` (which the tree then owns and removes).
  FakePowercap();
  explicit FakePowercap(std::string root);
  ~FakePowercap();
  const std::string& root() const { return root_; }
  // Sets a zone's energy_uj (written atomically: a reader never sees half a number).
  void set(const std::string& zone, uint64_t energy_uj);
  uint64_t get(const std::string& zone) const;
  // Adds `uj` to a zone's counter, wrapping at kMaxRangeUj as the hardware does.
  void add(const std::string& zone, uint64_t uj);

 private:
  void build();
  void zone(const std::string& name, const std::string& label, uint64_t energy_uj);
  std::unique_ptr<ScratchDir> scratch_;  // the folder, when the tree made its own
  std::string root_;
};

}  // namespace tessera::test_support
