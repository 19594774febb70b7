#include "domains/protein/coordinates_from_distances.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace tessera::protein {
namespace {

double norm3(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// Jacobi stress majorization with per-pair weights.
void refine(Coordinates& x, const PairDistances& p, const MdsOptions& options) {
  const int64_t L = p.length;
  for (int it = 0; it < options.refinement_iterations; ++it) {
    Coordinates next(x.size());
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < L; ++i) {
      std::array<double, 3> sum{0, 0, 0};
      double weight = 0;
      for (int64_t j = 0; j < L; ++j) {
        if (j == i) continue;
        const double current = std::max(norm3(x[i], x[j]), 1e-6);
        const double target = p.distance[i * L + j], w = p.confidence[i * L + j];
        for (int c = 0; c < 3; ++c) sum[c] += w * (x[j][c] + target * (x[i][c] - x[j][c]) / current);
        weight += w;
      }
      next[i] = weight > 0 ? std::array<double, 3>{sum[0] / weight, sum[1] / weight, sum[2] / weight} : x[i];
    }
    x = std::move(next);
  }
}

}  // namespace

Coordinates classical_mds(const std::vector<double>& distance, int64_t length) {
  const int64_t L = length;
  Eigen::MatrixXd b(L, L);
  for (int64_t i = 0; i < L; ++i)
    for (int64_t j = 0; j < L; ++j) b(i, j) = -0.5 * distance[i * L + j] * distance[i * L + j];
  const Eigen::VectorXd row_mean = b.rowwise().mean();
  const double all_mean = row_mean.mean();
  b = (b.colwise() - row_mean).rowwise() - row_mean.transpose();
  b.array() += all_mean;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(b);
  Coordinates x(L, {0, 0, 0});
  for (int c = 0; c < 3 && c < L; ++c) {
    const int64_t k = L - 1 - c;  // eigenvalues ascend
    const double scale = std::sqrt(std::max(0.0, eigen.eigenvalues()(k)));
    for (int64_t i = 0; i < L; ++i) x[i][c] = eigen.eigenvectors()(i, k) * scale;
  }
  return x;
}

double helix_handedness(const Coordinates& x, const PairDistances& p) {
  const int64_t L = p.length;
  double sum = 0;
  for (int64_t i = 0; i + 3 < L; ++i) {
    const double d2 = p.distance[i * L + i + 2], d3 = p.distance[i * L + i + 3];
    // alpha helix: C-alpha i, i+2 about 5.4 A and i, i+3 about 5.0 A (a strand: 6.5 and 10 A)
    if (d2 < 4.8 || d2 > 6.0 || d3 < 4.2 || d3 > 6.0) continue;
    std::array<double, 3> b1, b2, b3;
    for (int c = 0; c < 3; ++c) {
      b1[c] = x[i + 1][c] - x[i][c];
      b2[c] = x[i + 2][c] - x[i + 1][c];
      b3[c] = x[i + 3][c] - x[i + 2][c];
    }
    const double triple = b1[0] * (b2[1] * b3[2] - b2[2] * b3[1]) - b1[1] * (b2[0] * b3[2] - b2[2] * b3[0]) +
                          b1[2] * (b2[0] * b3[1] - b2[1] * b3[0]);
    sum += triple > 0 ? 1.0 : (triple < 0 ? -1.0 : 0.0);
  }
  return sum;
}

Coordinates coordinates_from_distances(const PairDistances& pairs, const MdsOptions& options) {
  if (pairs.length == 0) return {};
  Coordinates x = classical_mds(pairs.distance, pairs.length);
  refine(x, pairs, options);
  if (helix_handedness(x, pairs) < 0)
    for (auto& point : x) point[0] = -point[0];
  return x;
}

}  // namespace tessera::protein
