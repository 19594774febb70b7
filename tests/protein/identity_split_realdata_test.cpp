// The identity split on the real structures of ../shared/data/protein (families of near-identical
// chains): every validation and test chain is at most 40 % identical to every training chain.
#include <gtest/gtest.h>

#include <filesystem>

#include "domains/protein/identity_split.h"
#include "domains/protein/training_chains.h"

namespace tessera::protein {
namespace {

TEST(IdentitySplitRealData, NoHeldOutChainAboveFortyPercentToAnyTrainingChain) {
  const std::string root = std::string(TESSERA_SOURCE_DIR) + "/../shared/data/protein/";
  const std::vector<std::string> paths = {root + "theseus_trypsins", root + "theseus_ldh", root + "tcoffee_pdb"};
  for (const std::string& p : paths)
    if (!std::filesystem::exists(p)) GTEST_SKIP() << "real data not found: " << p;
  SplitOptions options;
  options.fractions = {0.7, 0.15, 0.15};  // as configs/protein/shared-structures.yaml
  const TrainingChains t = load_training_chains(paths, options);
  const auto train = t.of(kTrain);
  ASSERT_FALSE(t.of(kValidation).empty());
  ASSERT_FALSE(t.of(kTest).empty());
  for (Split held_out : {kValidation, kTest})
    for (const ProteinChain* h : t.of(held_out)) {
      double highest = 0;
      for (const ProteinChain* c : train) highest = std::max(highest, sequence_identity(h->sequence, c->sequence));
      EXPECT_LE(highest, 0.4) << h->name;
    }
}

}  // namespace
}  // namespace tessera::protein
