#include "eval/protein/lddt.h"

#include <cmath>

#include "core/util/error.h"

namespace tessera::eval {
namespace {

constexpr double kThresholds[4] = {0.5, 1.0, 2.0, 4.0};

bool present(const Vec3& p) { return !std::isnan(p[0]) && !std::isnan(p[1]) && !std::isnan(p[2]); }

// Preserved checks and pairs per residue (each unordered pair counted for both its residues).
void count_pairs(const std::vector<Vec3>& model, const std::vector<Vec3>& reference, std::vector<double>& preserved,
                 std::vector<double>& pairs) {
  TESSERA_CHECK(model.size() == reference.size(), "lddt_ca: model and reference differ in length");
  const size_t n = reference.size();
  preserved.assign(n, 0);
  pairs.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!present(reference[i])) continue;
    for (size_t j = i + 1; j < n; ++j) {
      if (!present(reference[j])) continue;
      const double d_reference = distance(reference[i], reference[j]);
      if (!(d_reference < kLddtInclusionRadius)) continue;
      pairs[i] += 1;
      pairs[j] += 1;
      if (!present(model[i]) || !present(model[j])) continue;
      const double error = std::abs(distance(model[i], model[j]) - d_reference);
      double kept = 0;
      for (double t : kThresholds) kept += error < t ? 0.25 : 0.0;
      preserved[i] += kept;
      preserved[j] += kept;
    }
  }
}

}  // namespace

double lddt_ca(const std::vector<Vec3>& model, const std::vector<Vec3>& reference) {
  std::vector<double> preserved, pairs;
  count_pairs(model, reference, preserved, pairs);
  double kept = 0, total = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    kept += preserved[i];
    total += pairs[i];
  }
  return total > 0 ? kept / total : std::nan("");
}

std::vector<double> lddt_ca_per_residue(const std::vector<Vec3>& model, const std::vector<Vec3>& reference) {
  std::vector<double> preserved, pairs;
  count_pairs(model, reference, preserved, pairs);
  std::vector<double> scores(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) scores[i] = pairs[i] > 0 ? preserved[i] / pairs[i] : std::nan("");
  return scores;
}

}  // namespace tessera::eval
