#include "governance/carbon/estimates.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace tessera::carbon {
namespace {

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double resident_watts() { return process_resident_bytes() / kBytesPerGb * kRamWattsPerGb; }

}  // namespace

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * static_cast<double>(sysconf(_SC_PAGESIZE));
}

CpuTimeEstimate::CpuTimeEstimate(const std::string& cpu_model, double tdp_override_w) : start_cpu_s_(process_cpu_seconds()) {
  const TdpRow& row = TdpTable::builtin().match(cpu_model);
  const double tdp = tdp_override_w > 0 ? tdp_override_w : row.tdp_w;
  watts_per_thread_ = tdp / row.threads;
  std::ostringstream os;
  os << "'" << cpu_model << "' -> ";
  if (row.model == "*") os << "not in the TDP table, default row";
  else os << "TDP table row '" << row.model << "'";
  os << ": " << tdp << " W" << (tdp_override_w > 0 ? " (given)" : "") << " / " << row.threads << " threads = "
     << watts_per_thread_ << " W per busy thread";
  detail_ = os.str();
}

double CpuTimeEstimate::joules() { return watts_per_thread_ * (process_cpu_seconds() - start_cpu_s_); }

ResidentMemoryEstimate::ResidentMemoryEstimate() : last_time_(seconds_now()), last_watts_(resident_watts()) {}

double ResidentMemoryEstimate::joules() {
  const double now = seconds_now(), watts = resident_watts();
  total_j_ += 0.5 * (watts + last_watts_) * (now - last_time_);
  last_time_ = now;
  last_watts_ = watts;
  return total_j_;
}

}  // namespace tessera::carbon
