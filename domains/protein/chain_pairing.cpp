#include "domains/protein/chain_pairing.h"

#include <map>
#include <set>

#include "core/util/error.h"
#include "domains/protein/structure_reader.h"

namespace tessera::protein {
namespace {

// The chains of each file, files in the order first seen.
struct StructureFile {
  std::string source;
  std::vector<const ProteinChain*> chains;
};

std::vector<StructureFile> group_by_file(const std::vector<ProteinChain>& chains) {
  std::vector<StructureFile> files;
  std::map<std::string, size_t> index;
  for (const ProteinChain& chain : chains) {
    auto [it, added] = index.emplace(chain.source, files.size());
    if (added) files.push_back({chain.source, {}});
    files[it->second].chains.push_back(&chain);
  }
  return files;
}

std::map<std::string, const StructureFile*> by_stem(const std::vector<StructureFile>& files) {
  std::map<std::string, const StructureFile*> stems;
  for (const StructureFile& file : files) {
    auto [it, added] = stems.emplace(structure_stem(file.source), &file);
    if (!added)
      throw DataError(file.source, "has the same name '" + it->first + "' as " + it->second->source +
                                       "; file names pair predictions with references, so each must be unique");
  }
  return stems;
}

std::string chain_ids(const StructureFile& file) {
  std::string ids;
  for (const ProteinChain* chain : file.chains) ids += (ids.empty() ? "" : ", ") + chain->chain_id;
  return ids;
}

void pair_files(const StructureFile& predicted, const StructureFile& reference, ChainPairing& pairing,
                std::set<const ProteinChain*>& used) {
  if (predicted.chains.size() == 1 && reference.chains.size() == 1) {
    pairing.pairs.push_back({predicted.chains.front(), reference.chains.front()});
    used.insert(reference.chains.front());
    return;
  }
  for (const ProteinChain* chain : predicted.chains) {
    const ProteinChain* match = nullptr;
    for (const ProteinChain* candidate : reference.chains)
      if (candidate->chain_id == chain->chain_id) match = candidate;
    if (!match)
      throw DataError(predicted.source, "chain '" + chain->chain_id + "' has no chain of that id in the reference " +
                                            reference.source + " (it has " + chain_ids(reference) + ")");
    pairing.pairs.push_back({chain, match});
    used.insert(match);
  }
}

}  // namespace

ChainPairing pair_chains(const std::vector<ProteinChain>& predictions, const std::vector<ProteinChain>& references,
                         bool pair_by_stem) {
  const std::vector<StructureFile> predicted_files = group_by_file(predictions);
  const std::vector<StructureFile> reference_files = group_by_file(references);
  ChainPairing pairing;
  std::set<const ProteinChain*> used;
  if (!pair_by_stem && predicted_files.size() == 1 && reference_files.size() == 1) {
    pair_files(predicted_files.front(), reference_files.front(), pairing, used);
  } else {
    by_stem(predicted_files);
    const auto references_by_stem = by_stem(reference_files);
    for (const StructureFile& file : predicted_files) {
      const auto it = references_by_stem.find(structure_stem(file.source));
      if (it == references_by_stem.end())
        throw DataError(file.source, "no reference structure is named '" + structure_stem(file.source) +
                                         "' (predictions pair with references by file name)");
      pair_files(file, *it->second, pairing, used);
    }
  }
  for (const ProteinChain& reference : references)
    if (!used.count(&reference)) pairing.unpredicted_references.push_back(reference.name);
  return pairing;
}

}  // namespace tessera::protein
