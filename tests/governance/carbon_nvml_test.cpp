// GPU metering through NVML, against a fake libnvidia-ml (fake_nvml.cpp: devices drawing a
// constant 150 W): the energy counter, the power-sampling fallback, CUDA_VISIBLE_DEVICES, every
// GPU counted once across the ranks of a node, and no NVML at all.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "governance/carbon/energy_meter.h"
#include "tests/governance/fake_group.h"

namespace tessera::carbon {
namespace {

using test_support::FakeGroup;
using test_support::FakeRank;

class NvmlMetering : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TESSERA_NVML_LIBRARY", FAKE_NVML_LIBRARY, 1);
    ::unsetenv("FAKE_NVML_NO_ENERGY");
    ::unsetenv("CUDA_VISIBLE_DEVICES");
  }
  void TearDown() override {
    ::unsetenv("TESSERA_NVML_LIBRARY");
    ::unsetenv("FAKE_NVML_NO_ENERGY");
    ::unsetenv("CUDA_VISIBLE_DEVICES");
  }

  // Meters `ranks` ranks of one node for about 0.3 s; returns rank 0's result.
  static CarbonRun meter(int ranks) {
    FakeGroup group(ranks);
    std::vector<CarbonRun> runs(static_cast<size_t>(ranks));
    std::vector<std::thread> threads;
    for (int r = 0; r < ranks; ++r)
      threads.emplace_back([&, r] {
        FakeRank rank(group, r, r, ranks, "node-a");
        MeterOptions o;
        o.powercap_root = "/nonexistent-powercap";
        o.sample_interval_s = 0.05;
        EnergyMeter m(rank, o);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        m.finish(runs[static_cast<size_t>(r)]);
      });
    for (auto& t : threads) t.join();
    return runs[0];
  }
};

TEST_F(NvmlMetering, EnergyCounterOfEveryVisibleGpu) {
  const CarbonRun run = meter(1);
  EXPECT_EQ(run.gpu.method, "nvml_energy_counter");
  EXPECT_EQ(run.gpu_count, 3);
  EXPECT_EQ(run.gpu_model, "3 x Fake GPU 0");
  EXPECT_NEAR(run.gpu.joules, 3 * 150 * run.duration_s, 0.05 * 3 * 150 * run.duration_s + 0.5);
}

TEST_F(NvmlMetering, PowerSamplingWhenThereIsNoEnergyCounter) {
  ::setenv("FAKE_NVML_NO_ENERGY", "1", 1);
  const CarbonRun run = meter(1);
  EXPECT_EQ(run.gpu.method, "nvml_power_sampling");
  EXPECT_NEAR(run.gpu.joules, 3 * 150 * run.duration_s, 0.05 * 3 * 150 * run.duration_s + 0.5);
}

TEST_F(NvmlMetering, TwoRanksOfANodeCountEachGpuOnce) {
  const CarbonRun run = meter(2);
  EXPECT_EQ(run.gpu_count, 3);
  EXPECT_NEAR(run.gpu.joules, 3 * 150 * run.duration_s, 0.05 * 3 * 150 * run.duration_s + 0.5);
}

TEST_F(NvmlMetering, OnlyTheGpusCudaMakesVisible) {
  ::setenv("CUDA_VISIBLE_DEVICES", "2", 1);
  CarbonRun run = meter(1);
  EXPECT_EQ(run.gpu_count, 1);
  EXPECT_EQ(run.gpu_model, "1 x Fake GPU 2");
  EXPECT_NEAR(run.gpu.joules, 150 * run.duration_s, 0.05 * 150 * run.duration_s + 0.5);
  ::setenv("CUDA_VISIBLE_DEVICES", "GPU-fake-1,0", 1);
  run = meter(1);
  EXPECT_EQ(run.gpu_count, 2);
  EXPECT_EQ(run.gpu_model, "2 x Fake GPU 1");
}

TEST_F(NvmlMetering, NoNvmlMeansNoGpuEnergy) {
  ::setenv("TESSERA_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  const CarbonRun run = meter(1);
  EXPECT_EQ(run.gpu.method, "none");
  EXPECT_EQ(run.gpu_count, 0);
  EXPECT_EQ(run.gpu.joules, 0.0);
}

}  // namespace
}  // namespace tessera::carbon
