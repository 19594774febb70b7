#include "eval/protein/superposition_scores.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/util/error.h"

namespace tessera::eval {
namespace {

constexpr int kRefinements = 20;
constexpr size_t kShortestSeed = 4;
constexpr int kSeedLengths = 6;

// What one superposition achieves, and the residues (indices into the pairs) within the cut.
struct Trial {
  double tm_sum = 0;
  size_t gdt[5] = {0, 0, 0, 0, 0};  // d <= 0.5, 1, 2, 4, 8
  std::vector<size_t> within_cut;
};

class Search {
 public:
  Search(const std::vector<Vec3>& model, const std::vector<Vec3>& reference, double d0)
      : model_(model), reference_(reference), d0_(d0), moved_(model.size()) {}

  // Superposes on the pairs `on`, scores every pair, and keeps the best of each score.
  Trial superpose_and_score(const std::vector<size_t>& on, double cut) {
    std::vector<Vec3> from, to;
    from.reserve(on.size());
    to.reserve(on.size());
    for (size_t k : on) {
      from.push_back(model_[k]);
      to.push_back(reference_[k]);
    }
    const RigidTransform transform = kabsch(from, to);
    for (size_t k = 0; k < model_.size(); ++k) moved_[k] = transform.apply(model_[k]);
    Trial trial = score(cut);
    best_tm_sum = std::max(best_tm_sum, trial.tm_sum);
    for (int t = 0; t < 5; ++t) best_gdt[t] = std::max(best_gdt[t], trial.gdt[t]);
    return trial;
  }

  double best_tm_sum = 0;
  size_t best_gdt[5] = {0, 0, 0, 0, 0};

 private:
  // TMscore's score_fun: the cut widens by 0.5 A until it holds 3 pairs (when there are more than 3).
  Trial score(double cut) const {
    static const double kGdtCuts[5] = {0.5, 1, 2, 4, 8};
    std::vector<double> d(model_.size());
    for (size_t k = 0; k < model_.size(); ++k) d[k] = distance(moved_[k], reference_[k]);
    Trial trial;
    for (size_t k = 0; k < d.size(); ++k) {
      trial.tm_sum += 1.0 / (1.0 + (d[k] / d0_) * (d[k] / d0_));
      for (int t = 0; t < 5; ++t) trial.gdt[t] += d[k] <= kGdtCuts[t];
    }
    auto collect = [&](double within) {
      trial.within_cut.clear();
      for (size_t k = 0; k < d.size(); ++k)
        if (d[k] < within) trial.within_cut.push_back(k);
    };
    collect(cut);
    if (trial.within_cut.size() < 3 && d.size() > 3) {
      // The steps of 0.5 A jump straight to the first cut above the third-closest pair: stepping
      // took minutes when a coordinate sat 1e7 A away, and never ended at 1e12.
      std::vector<double> closest(d);
      for (double& x : closest) x = std::isnan(x) ? std::numeric_limits<double>::infinity() : x;
      std::nth_element(closest.begin(), closest.begin() + 2, closest.end());
      const double third = closest[2];
      if (std::isfinite(third)) {
        collect(cut + 0.5 * (std::floor((third - cut) / 0.5) + 1.0));
      } else {  // fewer than three finite distances: every pair seeds
        trial.within_cut.resize(d.size());
        std::iota(trial.within_cut.begin(), trial.within_cut.end(), size_t{0});
      }
    }
    return trial;
  }

  const std::vector<Vec3>& model_;
  const std::vector<Vec3>& reference_;
  double d0_;
  std::vector<Vec3> moved_;
};

// n, n/2, n/4 ... while above 4, then 4 (at most 6 lengths); n itself when n < 4.
std::vector<size_t> seed_lengths(size_t n) {
  const size_t shortest = std::min(n, kShortestSeed);
  std::vector<size_t> lengths;
  for (int i = 0; i < kSeedLengths - 1; ++i) {
    const size_t length = n >> i;
    if (length <= shortest) {
      lengths.push_back(shortest);
      return lengths;
    }
    lengths.push_back(length);
  }
  lengths.push_back(shortest);
  return lengths;
}

}  // namespace

double tm_score_d0(size_t length) {
  if (length <= 15) return 0.5;
  return std::max(0.5, 1.24 * std::cbrt(static_cast<double>(length) - 15.0) - 1.8);
}

SuperpositionScores superposition_scores(const std::vector<Vec3>& model, const std::vector<Vec3>& reference,
                                         size_t reference_length) {
  TESSERA_CHECK(model.size() == reference.size(), "superposition_scores: unpaired residues");
  TESSERA_CHECK(reference_length >= model.size() && reference_length > 0,
                "superposition_scores: the reference length must cover the common residues");
  SuperpositionScores scores;
  scores.n_common = model.size();
  scores.reference_length = reference_length;
  scores.d0 = tm_score_d0(reference_length);
  scores.rmsd = superposed_rmsd(model, reference);
  const size_t n = model.size();
  if (n == 0) return scores;
  const double d0_search = std::clamp(scores.d0, 4.5, 8.0);
  Search search(model, reference, scores.d0);
  for (size_t length : seed_lengths(n)) {
    for (size_t start = 0; start + length <= n; ++start) {
      std::vector<size_t> on(length);
      for (size_t i = 0; i < length; ++i) on[i] = start + i;
      Trial trial = search.superpose_and_score(on, d0_search - 1);
      for (int refinement = 1; refinement <= kRefinements; ++refinement) {
        on = trial.within_cut;
        trial = search.superpose_and_score(on, d0_search + 1);
        if (trial.within_cut == on) break;  // converged: the same residues again
      }
    }
  }
  const double l = static_cast<double>(reference_length);
  scores.tm_score = search.best_tm_sum / l;
  const size_t* g = search.best_gdt;
  scores.gdt_ha = static_cast<double>(g[0] + g[1] + g[2] + g[3]) / (4 * l);
  scores.gdt_ts = static_cast<double>(g[1] + g[2] + g[3] + g[4]) / (4 * l);
  return scores;
}

}  // namespace tessera::eval
