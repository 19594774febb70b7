#include "governance/carbon/energy_meter.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include "governance/carbon/estimates.h"
#include "governance/carbon/host_info.h"
#include "governance/carbon/nvml.h"
#include "governance/carbon/rapl.h"

namespace tessera::carbon {
namespace {

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int phase_index(const std::string& phase) {
  const auto& names = phase_names();
  auto it = std::find(names.begin(), names.end(), phase);
  if (it == names.end()) throw std::logic_error("unknown energy phase '" + phase + "'");
  return static_cast<int>(it - names.begin());
}

// Every method a rank may report, so ranks can agree on them by summing counts.
const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"rapl", "tdp_x_cpu_time", "nvml_energy_counter", "nvml_power_sampling",
                                                 "resident_memory_x_0.375_w_per_gb"};
  return names;
}

// Shorter than this, an interval's mean power is noise (a phase boundary right after a read).
constexpr double kShortestSampleS = 1e-3;

}  // namespace

EnergyMeter::EnergyMeter(dist::Communicator& comm, MeterOptions options) : comm_(comm), options_(std::move(options)) {
  const HostInfo host = read_host_info();
  cpu_model_ = host.cpu_model;
  cpu_count_ = host.cpu_count;
  ram_total_gb_ = host.ram_total_gb;
  os_ = host.os;
  const std::string root = options_.powercap_root.empty() ? powercap_root() : options_.powercap_root;
  const bool node_meter = comm_.local_rank() == 0;
  for (const Component c : {Component::cpu, Component::ram}) {
    std::vector<RaplDomain> domains = find_rapl_domains(root, c == Component::ram);
    if (!domains.empty()) {
      methods_[static_cast<size_t>(c)] = "rapl";
      if (node_meter) sources_.push_back(std::make_unique<RaplSource>(c, std::move(domains)));
    } else if (c == Component::cpu) {
      sources_.push_back(std::make_unique<CpuTimeEstimate>(cpu_model_, options_.cpu_tdp_w));
    } else {
      sources_.push_back(std::make_unique<ResidentMemoryEstimate>());
    }
  }
  if (options_.gpus)
    if (auto gpu = open_nvml_source(comm_.local_rank(), comm_.local_size())) sources_.push_back(std::move(gpu));
  for (const auto& s : sources_) methods_[static_cast<size_t>(s->component())] = s->method();

  for (const auto& name : phase_names()) phases_.push_back(PhaseEnergy{name});
  phase_stack_.push_back(phase_index(options_.base_phase));
  start_s_ = last_read_s_ = seconds_now();
  for (const auto& s : sources_) last_joules_[static_cast<size_t>(s->component())] = s->joules();
  thread_ = std::thread([this] { sampling_loop(); });
}

EnergyMeter::~EnergyMeter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EnergyMeter::read_sources() {
  std::array<double, kComponents> now_j = last_joules_;
  for (const auto& s : sources_) now_j[static_cast<size_t>(s->component())] = s->joules();
  const double now = seconds_now(), dt = now - last_read_s_;
  PhaseEnergy& phase = phases_[static_cast<size_t>(phase_stack_.back())];
  const double cpu = now_j[0] - last_joules_[0], gpu = now_j[1] - last_joules_[1], ram = now_j[2] - last_joules_[2];
  phase.duration_s += dt;
  phase.cpu_j += cpu;
  phase.gpu_j += gpu;
  phase.ram_j += ram;
  if (dt >= kShortestSampleS) samples_.push_back(PowerSample{now - start_s_, cpu / dt, gpu / dt, ram / dt, phase.phase});
  last_joules_ = now_j;
  last_read_s_ = now;
}

bool EnergyMeter::read_or_keep_error() {
  if (error_) return false;
  try {
    read_sources();
    return true;
  } catch (...) {
    error_ = std::current_exception();
    return false;
  }
}

void EnergyMeter::sampling_loop() {
  const auto interval = std::chrono::duration<double>(options_.sample_interval_s);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; }))
    if (!read_or_keep_error()) return;
}

void EnergyMeter::begin_phase(const std::string& phase) {
  const int index = phase_index(phase);
  std::lock_guard<std::mutex> lock(mutex_);
  read_or_keep_error();
  phase_stack_.push_back(index);
}

void EnergyMeter::end_phase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (phase_stack_.size() < 2 || phase_names()[static_cast<size_t>(phase_stack_.back())] != phase) {
    if (!error_) error_ = std::make_exception_ptr(std::logic_error("energy phase '" + phase + "' ended but was not the current one"));
    return;
  }
  read_or_keep_error();
  phase_stack_.pop_back();
}

void EnergyMeter::finish(CarbonRun& run) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  read_or_keep_error();  // a failed rank still joins the reductions below, so no rank waits forever

  // One all_reduce per kind of sum: energies and counts add up; durations take the slowest rank.
  const auto& methods = method_names();
  const size_t n_phases = phases_.size(), n_methods = methods.size();
  std::vector<double> sums;
  for (const auto& p : phases_) sums.insert(sums.end(), {p.cpu_j, p.gpu_j, p.ram_j});
  for (size_t c = 0; c < kComponents; ++c)
    for (const auto& m : methods) sums.push_back(methods_[c] == m ? 1.0 : 0.0);
  const std::vector<std::string> names = gpu_names([&]() -> const EnergySource* {
    for (const auto& s : sources_)
      if (s->component() == Component::gpu) return s.get();
    return nullptr;
  }());
  sums.push_back(static_cast<double>(names.size()));
  sums.push_back(comm_.local_rank() == 0 ? 1.0 : 0.0);
  comm_.all_reduce(sums.data(), sums.size(), dist::ReduceOp::sum);
  std::vector<double> durations;
  for (const auto& p : phases_) durations.push_back(p.duration_s);
  durations.push_back(last_read_s_ - start_s_);
  comm_.all_reduce(durations.data(), durations.size(), dist::ReduceOp::max);

  run.phases.clear();
  std::array<double, kComponents> totals{};
  for (size_t i = 0; i < n_phases; ++i) {
    PhaseEnergy p{phases_[i].phase, durations[i], sums[3 * i], sums[3 * i + 1], sums[3 * i + 2]};
    totals[0] += p.cpu_j;
    totals[1] += p.gpu_j;
    totals[2] += p.ram_j;
    if (p.duration_s > 0) run.phases.push_back(p);
  }
  std::array<ComponentEnergy*, kComponents> components = {&run.cpu, &run.gpu, &run.ram};
  for (size_t c = 0; c < kComponents; ++c) {
    ComponentEnergy& out = *components[c];
    out.joules = totals[c];
    out.method.clear();
    for (size_t m = 0; m < n_methods; ++m)
      if (sums[3 * n_phases + c * n_methods + m] > 0) out.method += (out.method.empty() ? "" : " + ") + methods[m];
    if (out.method.empty()) out.method = "none";
    out.detail.clear();
    for (const auto& s : sources_)
      if (static_cast<size_t>(s->component()) == c) out.detail = s->detail();
    if (out.detail.empty() && out.method == "rapl") out.detail = "read by the node's local rank 0";
  }
  const size_t tail = 3 * n_phases + kComponents * n_methods;
  run.gpu_count = static_cast<int>(sums[tail]);
  run.gpu_model = run.gpu_count > 0 && !names.empty() ? std::to_string(run.gpu_count) + " x " + names.front() : "";
  run.nodes = static_cast<int>(sums[tail + 1]);
  run.ranks = comm_.size();
  run.duration_s = durations.back();
  run.sample_interval_s = options_.sample_interval_s;
  run.samples = samples_;
  run.cpu_model = cpu_model_;
  run.cpu_count = cpu_count_;
  run.ram_total_gb = ram_total_gb_;
  run.os = os_;
  if (error_) std::rethrow_exception(error_);
}

}  // namespace tessera::carbon
