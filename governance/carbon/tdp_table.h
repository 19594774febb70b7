#pragma once
// Thermal design power of CPU models (governance/data/cpu_tdp.csv, compiled in): the basis of the
// CPU estimate when no energy counter can be read.
#include <string>
#include <vector>

namespace tessera::carbon {

struct TdpRow {
  std::string model;  // as matched against /proc/cpuinfo; "*" is the last-resort row
  double tdp_w = 0;   // per package
  int cores = 0;
  int threads = 0;    // hardware threads per package
  double watts_per_thread() const { return tdp_w / threads; }
};

class TdpTable {
 public:
  static const TdpTable& builtin();
  static TdpTable parse(const std::string& csv_text);
  // The row whose model occurs in `cpu_model` as whole words ("(R)", "(TM)" and case ignored);
  // the longest such row wins, the "*" row when none does.
  const TdpRow& match(const std::string& cpu_model) const;
  const std::vector<TdpRow>& rows() const { return rows_; }

 private:
  std::vector<TdpRow> rows_;
};

}  // namespace tessera::carbon
