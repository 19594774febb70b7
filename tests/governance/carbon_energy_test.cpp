// Energy metering: RAPL wraparound, a fake powercap tree read to the exact joule, phases, GPU and
// node de-duplication across ranks, and the estimates' tables.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <thread>

#include "governance/carbon/carbon_run.h"
#include "governance/carbon/energy_meter.h"
#include "governance/carbon/estimates.h"
#include "governance/carbon/host_info.h"
#include "governance/carbon/nvml.h"
#include "governance/carbon/rapl.h"
#include "governance/carbon/tdp_table.h"
#include "tests/governance/fake_group.h"
#include "tests/governance/fake_powercap.h"

namespace tessera::carbon {
namespace {

using test_support::FakeGroup;
using test_support::FakePowercap;
using test_support::FakeRank;

constexpr uint64_t kMax = FakePowercap::kMaxRangeUj;

TEST(RaplCounter, CountsForwardAndAcrossTheWrap) {
  EXPECT_EQ(counter_delta_uj(100, 250, kMax), 150u);
  EXPECT_EQ(counter_delta_uj(7, 7, kMax), 0u);
  EXPECT_EQ(counter_delta_uj(kMax - 100, 50, kMax), 150u);
  EXPECT_EQ(counter_delta_uj(kMax - 1, 0, kMax), 1u);
}

TEST(RaplDomains, OnlyPackagesAndDramNeverTheOverlappingZones) {
  FakePowercap tree;
  std::set<std::string> packages, dram;
  for (const auto& d : find_rapl_domains(tree.root(), false)) packages.insert(d.name);
  for (const auto& d : find_rapl_domains(tree.root(), true)) dram.insert(d.name);
  EXPECT_EQ(packages, (std::set<std::string>{"package-0", "package-1"}));
  EXPECT_EQ(dram, (std::set<std::string>{"dram"}));
  EXPECT_TRUE(find_rapl_domains(tree.root() + "/absent", false).empty());
}

TEST(RaplDomains, RootComesFromTheEnvironment) {
  ::setenv("TESSERA_POWERCAP_ROOT", "/some/fake/tree", 1);
  EXPECT_EQ(powercap_root(), "/some/fake/tree");
  ::unsetenv("TESSERA_POWERCAP_ROOT");
  EXPECT_EQ(powercap_root(), "/sys/class/powercap");
}

TEST(RaplSource, FakeTreeGivesExactlyTheCountedJoules) {
  FakePowercap tree;
  RaplSource cpu(Component::cpu, find_rapl_domains(tree.root(), false));
  RaplSource ram(Component::ram, find_rapl_domains(tree.root(), true));
  EXPECT_EQ(cpu.joules(), 0.0);
  tree.add("intel-rapl:0", 12500000);      // 12.5 J on package 0
  tree.add("intel-rapl:1", 3000000);       // 3 J on package 1, across its wrap (it starts 1000 uJ below)
  tree.add("intel-rapl:0:0", 999000000);   // core: inside package 0, must not count
  tree.add("intel-rapl:2", 999000000);     // psys: overlaps, must not count
  tree.add("intel-rapl-mmio:0", 12500000); // package 0 again through MMIO, must not count
  tree.add("intel-rapl:0:2", 4000000);     // dram: 4 J
  EXPECT_LT(tree.get("intel-rapl:1"), 3000000u) << "the fake counter should have wrapped";
  EXPECT_DOUBLE_EQ(cpu.joules(), 15.5);
  EXPECT_DOUBLE_EQ(ram.joules(), 4.0);
  tree.add("intel-rapl:1", 500000);
  EXPECT_DOUBLE_EQ(cpu.joules(), 16.0);
  EXPECT_NE(cpu.detail().find("package-1"), std::string::npos);
}

MeterOptions fake_tree_options(const FakePowercap& tree, const std::string& base_phase = "other") {
  MeterOptions o;
  o.powercap_root = tree.root();
  o.gpus = false;
  o.base_phase = base_phase;
  o.sample_interval_s = 0.01;  // the sampling thread reads while the test changes counters
  return o;
}

const PhaseEnergy* phase_of(const CarbonRun& run, const std::string& name) {
  for (const auto& p : run.phases)
    if (p.phase == name) return &p;
  return nullptr;
}

TEST(EnergyMeter, AttributesEnergyToThePhaseThatWasCurrent) {
  FakePowercap tree;
  FakeGroup group(1);
  FakeRank rank(group, 0, 0, 1, "node-a");
  EnergyMeter meter(rank, fake_tree_options(tree));
  tree.add("intel-rapl:0", 1000000);  // 1 J before training: "other"
  meter.begin_phase("train");
  tree.add("intel-rapl:0", 5000000);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // let the sampler read mid-phase
  tree.add("intel-rapl:1", 2000000);
  meter.begin_phase("eval");
  tree.add("intel-rapl:0", 3000000);
  tree.add("intel-rapl:0:2", 1000000);
  meter.end_phase("eval");
  tree.add("intel-rapl:0", 4000000);  // back in train
  meter.end_phase("train");
  meter.begin_phase("checkpoint");
  tree.add("intel-rapl:1", 250000);
  meter.end_phase("checkpoint");
  CarbonRun run;
  meter.finish(run);
  ASSERT_TRUE(phase_of(run, "train") && phase_of(run, "eval") && phase_of(run, "checkpoint") && phase_of(run, "other"));
  EXPECT_DOUBLE_EQ(phase_of(run, "other")->cpu_j, 1.0);
  EXPECT_DOUBLE_EQ(phase_of(run, "train")->cpu_j, 11.0);
  EXPECT_DOUBLE_EQ(phase_of(run, "eval")->cpu_j, 3.0);
  EXPECT_DOUBLE_EQ(phase_of(run, "eval")->ram_j, 1.0);
  EXPECT_DOUBLE_EQ(phase_of(run, "checkpoint")->cpu_j, 0.25);
  EXPECT_DOUBLE_EQ(run.cpu.joules, 15.25);
  EXPECT_DOUBLE_EQ(run.ram.joules, 1.0);
  EXPECT_EQ(run.cpu.method, "rapl");
  EXPECT_EQ(run.ram.method, "rapl");
  EXPECT_EQ(run.gpu.method, "none");
  EXPECT_EQ(run.ranks, 1);
  EXPECT_EQ(run.nodes, 1);
  EXPECT_FALSE(run.samples.empty());
  EXPECT_GT(run.duration_s, 0.03);
}

TEST(EnergyMeter, EstimatesFromCpuTimeWhenNoCounterIsReadable) {
  FakeGroup group(1);
  FakeRank rank(group, 0, 0, 1, "node-a");
  MeterOptions o;
  o.powercap_root = "/nonexistent-powercap";
  o.gpus = false;
  o.cpu_tdp_w = 64;  // the "*" row's 16 threads: 4 W per busy thread
  EnergyMeter meter(rank, o);
  const double cpu0 = process_cpu_seconds();
  volatile double sink = 0;
  while (process_cpu_seconds() - cpu0 < 0.2) sink = sink + std::sqrt(sink + 1.0);
  CarbonRun run;
  meter.finish(run);
  const double used = process_cpu_seconds() - cpu0;
  EXPECT_EQ(run.cpu.method, "tdp_x_cpu_time");
  EXPECT_EQ(run.ram.method, "resident_memory_x_0.375_w_per_gb");
  const double per_thread = 64.0 / TdpTable::builtin().match(read_host_info().cpu_model).threads;
  EXPECT_GE(run.cpu.joules, per_thread * 0.2 * 0.95);
  EXPECT_LE(run.cpu.joules, per_thread * used * 1.05 + 0.01);
  EXPECT_GT(run.ram.joules, 0.0);
}

// Runs one meter per thread of a fake group (layout: local rank and node of each rank); rank 0
// changes the shared fake counters while every meter runs; returns each rank's result.
std::vector<CarbonRun> meter_group(FakePowercap& tree, const std::vector<std::pair<int, std::string>>& layout) {
  FakeGroup group(static_cast<int>(layout.size()));
  std::vector<CarbonRun> runs(layout.size());
  std::vector<std::thread> threads;
  for (size_t r = 0; r < layout.size(); ++r)
    threads.emplace_back([&, r] {
      int local_size = 0;
      for (const auto& l : layout) local_size += l.second == layout[r].second;
      FakeRank rank(group, static_cast<int>(r), layout[r].first, local_size, layout[r].second);
      EnergyMeter meter(rank, fake_tree_options(tree));
      rank.barrier();
      if (r == 0) {
        tree.add("intel-rapl:0", 7000000);
        tree.add("intel-rapl:0:2", 500000);
      }
      rank.barrier();
      meter.finish(runs[r]);
    });
  for (auto& t : threads) t.join();
  return runs;
}

TEST(EnergyMeter, TwoRanksOnOneNodeCountTheNodeOnce) {
  FakePowercap tree;
  const auto runs = meter_group(tree, {{0, "node-a"}, {1, "node-a"}});
  for (const auto& run : runs) {  // every rank receives the sums
    EXPECT_DOUBLE_EQ(run.cpu.joules, 7.0);
    EXPECT_DOUBLE_EQ(run.ram.joules, 0.5);
    EXPECT_EQ(run.ranks, 2);
    EXPECT_EQ(run.nodes, 1);
    EXPECT_EQ(run.cpu.method, "rapl");
  }
}

TEST(EnergyMeter, TwoNodesCountEachTheirOwnCounters) {
  FakePowercap tree;  // both "nodes" read the same fake tree: each counts it once
  const auto runs = meter_group(tree, {{0, "node-a"}, {0, "node-b"}});
  EXPECT_DOUBLE_EQ(runs[0].cpu.joules, 14.0);
  EXPECT_EQ(runs[0].nodes, 2);
}

TEST(GpuAssignment, EveryGpuOfANodeIsMeteredByExactlyOneRank) {
  for (int gpus = 0; gpus <= 9; ++gpus)
    for (int ranks = 1; ranks <= 8; ++ranks) {
      std::vector<int> owner(static_cast<size_t>(gpus), -1);
      for (int r = 0; r < ranks; ++r)
        for (int g : gpus_for_local_rank(gpus, r, ranks)) {
          EXPECT_EQ(owner[static_cast<size_t>(g)], -1) << gpus << " GPUs, " << ranks << " ranks: GPU " << g << " twice";
          owner[static_cast<size_t>(g)] = r;
        }
      for (int g = 0; g < gpus; ++g) EXPECT_GE(owner[static_cast<size_t>(g)], 0) << "GPU " << g << " never metered";
    }
  EXPECT_EQ(gpus_for_local_rank(4, 1, 2), (std::vector<int>{1, 3}));
}

TEST(GpuAssignment, CudaVisibleDevicesSelectsAndOrders) {
  EXPECT_EQ(parse_cuda_visible_devices(nullptr, 3).size(), 3u);
  const auto some = parse_cuda_visible_devices("2,0", 4);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].index, 2);
  EXPECT_EQ(some[1].index, 0);
  const auto uuid = parse_cuda_visible_devices("GPU-8a1b", 4);
  ASSERT_EQ(uuid.size(), 1u);
  EXPECT_EQ(uuid[0].uuid, "GPU-8a1b");
  EXPECT_EQ(parse_cuda_visible_devices("1,-1,0", 4).size(), 1u);  // CUDA stops at an invalid entry
  EXPECT_TRUE(parse_cuda_visible_devices("", 4).empty());
  EXPECT_TRUE(parse_cuda_visible_devices("7", 4).empty());
}

TEST(TdpTable, MatchesModelsFamiliesAndTheDefault) {
  const TdpTable& t = TdpTable::builtin();
  EXPECT_EQ(t.match("AMD EPYC 7763 64-Core Processor").tdp_w, 280);
  EXPECT_EQ(t.match("AMD EPYC 7763 64-Core Processor").threads, 128);
  EXPECT_EQ(t.match("Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz").tdp_w, 205);
  EXPECT_EQ(t.match("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz").tdp_w, 150);
  EXPECT_EQ(t.match("Intel(R) Xeon(R) Platinum 8480+").tdp_w, 350);
  EXPECT_EQ(t.match("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz").tdp_w, 120);
  EXPECT_EQ(t.match("AMD EPYC").model, "AMD EPYC");               // a VM hiding the model
  EXPECT_EQ(t.match("Intel(R) Xeon(R) CPU @ 2.20GHz").model, "Intel Xeon");
  EXPECT_EQ(t.match("Frobnicator 9000").model, "*");
  EXPECT_EQ(t.match("").model, "*");
}

TEST(TdpTable, ParsesAndRejectsMalformedTables) {
  EXPECT_EQ(TdpTable::parse("model,tdp_w,cores,threads\n*,85,8,16\nX 1,100,4,8\n").match("X 1").tdp_w, 100);
  EXPECT_THROW(TdpTable::parse("model,tdp_w,cores,threads\nX,100,4,8\n"), std::logic_error);  // no "*" row
  EXPECT_THROW(TdpTable::parse("model,tdp_w,cores,threads\n*,85,8\n"), std::logic_error);
  EXPECT_THROW(TdpTable::parse("model,tdp_w,cores,threads\n*,lots,8,16\n"), std::logic_error);
}

TEST(CpuTimeEstimate, WattsPerThreadFromTheTableOrTheOverride) {
  EXPECT_DOUBLE_EQ(CpuTimeEstimate("AMD EPYC 7763 64-Core Processor", 0).watts_per_thread(), 280.0 / 128);
  EXPECT_DOUBLE_EQ(CpuTimeEstimate("AMD EPYC 7763 64-Core Processor", 320).watts_per_thread(), 320.0 / 128);
  EXPECT_NE(CpuTimeEstimate("AMD EPYC", 0).detail().find("AMD EPYC"), std::string::npos);
}

}  // namespace
}  // namespace tessera::carbon
