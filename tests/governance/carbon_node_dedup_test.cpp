// A node's energy is counted once however many ranks run on it, through the process group the
// run really uses (dist::world()). As one process it checks the single-rank path; under
//   mpirun -np 2 build/tests/carbon_node_dedup_test   (ctest: carbon_node_dedup_mpi)
// both ranks meter while local rank
// 0 of each node advances a fake powercap tree shared by the node's ranks, and the total must be
// one tree's worth per node, not one per rank.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "core/dist/communicator.h"
#include "core/dist/session.h"
#include "governance/carbon/energy_meter.h"
#include "tests/governance/fake_powercap.h"

namespace tessera::carbon {
namespace {

TEST(NodeDeduplication, EachNodeCountedOnceThroughTheWorldCommunicator) {
  dist::DistributedSession session;
  dist::Communicator& world = dist::world();
  // The node's ranks share a parent (mpirun's daemon on that node), hence this folder.
  const std::string root =
      (std::filesystem::temp_directory_path() / ("tessera-dedup-" + std::to_string(::getppid()))).string();
  std::unique_ptr<test_support::FakePowercap> tree;
  if (world.local_rank() == 0) tree = std::make_unique<test_support::FakePowercap>(root);
  world.barrier();
  MeterOptions options;
  options.powercap_root = root;
  options.gpus = false;
  CarbonRun run;
  {
    EnergyMeter meter(world, options);
    world.barrier();
    if (tree) {
      tree->add("intel-rapl:0", 7000000);
      tree->add("intel-rapl:1", 1000000);
    }
    world.barrier();
    meter.finish(run);
  }
  world.barrier();  // nobody reads the tree any more
  EXPECT_EQ(run.ranks, world.size());
  EXPECT_DOUBLE_EQ(run.cpu.joules, 8.0 * run.nodes) << run.ranks << " ranks on " << run.nodes << " node(s)";
  EXPECT_EQ(run.cpu.method, "rapl");
}

}  // namespace
}  // namespace tessera::carbon
