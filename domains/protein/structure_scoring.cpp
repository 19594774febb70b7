#include "domains/protein/structure_scoring.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/util/error.h"
#include "domains/protein/structure_reader.h"
#include "eval/protein/lddt.h"
#include "eval/protein/superposition_scores.h"

namespace tessera::protein {
namespace {

using ResidueKey = std::pair<int, char>;

const char* const kScoreKeys[] = {"lddt_ca", "tm_score", "gdt_ts", "gdt_ha", "rmsd"};

double score_of(const ChainScore& s, const std::string& key) {
  if (key == "lddt_ca") return s.lddt_ca;
  if (key == "tm_score") return s.tm_score;
  if (key == "gdt_ts") return s.gdt_ts;
  if (key == "gdt_ha") return s.gdt_ha;
  return s.rmsd;
}

nlohmann::ordered_json number_or_null(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nullptr; }

double mean_of(const std::vector<ChainScore>& scores, const std::string& key) {
  double sum = 0;
  size_t n = 0;
  for (const ChainScore& s : scores) {
    const double x = score_of(s, key);
    if (!std::isfinite(x)) continue;
    sum += x;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : std::nan("");
}

eval::Vec3 ca_of(const ProteinChain& chain, size_t i) { return chain.atoms[i][kCA]; }

}  // namespace

ChainScore score_chain(const ProteinChain& predicted, const ProteinChain& reference) {
  std::map<ResidueKey, size_t> reference_index;
  size_t reference_length = 0;
  for (size_t j = 0; j < reference.size(); ++j) {
    if (!reference.has(j, kCA)) continue;
    reference_index.emplace(ResidueKey{reference.residue_numbers[j], reference.insertion_codes[j]}, j);
    ++reference_length;
  }
  // Common residues in the prediction's order (TMscore's); lDDT wants them by reference residue.
  std::vector<eval::Vec3> model_common, reference_common;
  std::vector<eval::Vec3> model_by_reference(reference.size(), missing_point());
  std::vector<eval::Vec3> reference_ca(reference.size(), missing_point());
  for (size_t j = 0; j < reference.size(); ++j)
    if (reference.has(j, kCA)) reference_ca[j] = ca_of(reference, j);
  std::vector<bool> taken(reference.size(), false);
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (!predicted.has(i, kCA)) continue;
    const auto it = reference_index.find({predicted.residue_numbers[i], predicted.insertion_codes[i]});
    if (it == reference_index.end() || taken[it->second]) continue;
    taken[it->second] = true;
    model_common.push_back(ca_of(predicted, i));
    reference_common.push_back(ca_of(reference, it->second));
    model_by_reference[it->second] = ca_of(predicted, i);
  }
  if (model_common.empty())
    throw DataError(predicted.source, "chain '" + predicted.chain_id + "' has no residue number in common with chain '" +
                                          reference.chain_id + "' of " + reference.source);
  const eval::SuperpositionScores s = eval::superposition_scores(model_common, reference_common, reference_length);
  ChainScore score;
  score.name = structure_stem(reference.source);
  score.chain = reference.chain_id;
  score.n_residues = reference_length;
  score.n_common = model_common.size();
  score.lddt_ca = eval::lddt_ca(model_by_reference, reference_ca);
  score.tm_score = s.tm_score;
  score.gdt_ts = s.gdt_ts;
  score.gdt_ha = s.gdt_ha;
  score.rmsd = s.rmsd;
  return score;
}

nlohmann::ordered_json scores_json(const std::vector<ChainScore>& scores) {
  nlohmann::ordered_json structures = nlohmann::ordered_json::array();
  double residues = 0, common = 0;
  for (const ChainScore& s : scores) {
    nlohmann::ordered_json row = {
        {"name", s.name}, {"chain", s.chain}, {"n_residues", s.n_residues}, {"n_common", s.n_common}};
    for (const char* key : kScoreKeys) row[key] = number_or_null(score_of(s, key));
    structures.push_back(row);
    residues += static_cast<double>(s.n_residues);
    common += static_cast<double>(s.n_common);
  }
  const double n = static_cast<double>(scores.size());
  nlohmann::ordered_json mean = {{"n_residues", number_or_null(residues / n)}, {"n_common", number_or_null(common / n)}};
  for (const char* key : kScoreKeys) mean[key] = number_or_null(mean_of(scores, key));
  return {{"structures", structures}, {"mean", mean}};
}

std::string format_scores_table(const std::vector<ChainScore>& scores) {
  std::string table;
  char line[160];
  std::snprintf(line, sizeof line, "%-24s %-5s %6s %6s %8s %8s %8s %8s %8s\n", "name", "chain", "n_res", "common",
                "lddt_ca", "tm_score", "gdt_ts", "gdt_ha", "rmsd");
  table += line;
  auto row = [&](const std::string& name, const std::string& chain, double residues, double common,
                 const ChainScore& s) {
    std::snprintf(line, sizeof line, "%-24s %-5s %6.0f %6.0f %8.4f %8.4f %8.4f %8.4f %8.3f\n", name.c_str(),
                  chain.c_str(), residues, common, s.lddt_ca, s.tm_score, s.gdt_ts, s.gdt_ha, s.rmsd);
    table += line;
  };
  double residues = 0, common = 0;
  for (const ChainScore& s : scores) {
    row(s.name, s.chain, static_cast<double>(s.n_residues), static_cast<double>(s.n_common), s);
    residues += static_cast<double>(s.n_residues);
    common += static_cast<double>(s.n_common);
  }
  ChainScore mean;
  mean.lddt_ca = mean_of(scores, "lddt_ca");
  mean.tm_score = mean_of(scores, "tm_score");
  mean.gdt_ts = mean_of(scores, "gdt_ts");
  mean.gdt_ha = mean_of(scores, "gdt_ha");
  mean.rmsd = mean_of(scores, "rmsd");
  const double n = static_cast<double>(scores.size());
  row("mean (" + std::to_string(scores.size()) + " chains)", "", residues / n, common / n, mean);
  return table;
}

}  // namespace tessera::protein
