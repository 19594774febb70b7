#include "domains/protein/training_chains.h"

#include <cstdio>

#include "core/util/error.h"
#include "domains/protein/structure_reader.h"

namespace tessera::protein {

std::vector<const ProteinChain*> TrainingChains::of(Split s) const {
  std::vector<const ProteinChain*> out;
  for (size_t i = 0; i < chains.size(); ++i)
    if (split[i] == s) out.push_back(&chains[i]);
  return out;
}

// A folder such as t-coffee's examples holds far more other files than structures: the first
// few skips by name, then how many more.
void report_skipped(const std::vector<std::pair<std::string, std::string>>& skipped) {
  constexpr size_t kNamed = 8;
  for (size_t i = 0; i < skipped.size() && i < kNamed; ++i)
    std::fprintf(stderr, "tessera: skipped %s: %s\n", skipped[i].first.c_str(), skipped[i].second.c_str());
  if (skipped.size() > kNamed) std::fprintf(stderr, "tessera: skipped %zu more files or chains\n", skipped.size() - kNamed);
}

std::string unusable_reason(const ProteinChain& chain) {
  if (chain.size() < kMinChainLength)
    return "chain " + chain.chain_id + " has " + std::to_string(chain.size()) + " residues, fewer than " +
           std::to_string(kMinChainLength);
  size_t with_cbeta = 0;
  for (size_t i = 0; i < chain.size(); ++i) with_cbeta += chain.has(i, kCB) && chain.has(i, kCA);
  if (2 * with_cbeta < chain.size())
    return "chain " + chain.chain_id + " has C-alpha and C-beta positions for only " + std::to_string(with_cbeta) +
           " of " + std::to_string(chain.size()) + " residues (a C-alpha-only model cannot be a training target)";
  return "";
}

TrainingChains load_training_chains(const std::vector<std::string>& paths, const SplitOptions& options) {
  TrainingChains t;
  for (const std::string& p : paths) {
    StructureSet set = read_structures(p);
    t.skipped.insert(t.skipped.end(), set.skipped.begin(), set.skipped.end());
    for (ProteinChain& chain : set.chains) {
      const std::string why = unusable_reason(chain);
      if (why.empty())
        t.chains.push_back(std::move(chain));
      else
        t.skipped.emplace_back(chain.source, why);
    }
  }
  const std::string& path = paths.front();
  if (t.chains.empty())
    throw DataError(path, t.skipped.size() == 1 ? t.skipped.front().second
                                                : "no usable protein chain (" + std::to_string(t.skipped.size()) +
                                                      " files or chains skipped)");
  std::vector<std::string> sequences;
  for (const ProteinChain& c : t.chains) sequences.push_back(c.sequence);
  t.cluster = identity_clusters(sequences, options.identity);
  for (int c : t.cluster) t.clusters = std::max(t.clusters, c + 1);
  t.split = assign_splits(t.cluster, options.fractions, options.seed);
  for (Split s : {kTrain, kValidation})
    if (t.of(s).empty())
      throw DataError(path, std::to_string(t.chains.size()) + " usable chains in " + std::to_string(t.clusters) +
                                " identity clusters leave the " + (s == kTrain ? "training" : "validation") +
                                " split empty: give more structures or change data.fractions");
  return t;
}

}  // namespace tessera::protein
