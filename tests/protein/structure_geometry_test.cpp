// The structure model's geometry: distogram bins, distances to coordinates (MDS recovers a
// structure up to a rigid motion; the mirror is chosen on a real alpha helix), lDDT of distances.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "core/util/rng.h"
#include "domains/protein/coordinates_from_distances.h"
#include "domains/protein/distance_lddt.h"
#include "domains/protein/distogram_bins.h"
#include "domains/protein/structure_model.h"

namespace tessera::protein {
namespace {

std::vector<double> distances_of(const Coordinates& x) {
  const size_t L = x.size();
  std::vector<double> d(L * L);
  for (size_t i = 0; i < L; ++i)
    for (size_t j = 0; j < L; ++j)
      d[i * L + j] = std::sqrt((x[i][0] - x[j][0]) * (x[i][0] - x[j][0]) + (x[i][1] - x[j][1]) * (x[i][1] - x[j][1]) +
                               (x[i][2] - x[j][2]) * (x[i][2] - x[j][2]));
  return d;
}

PairDistances pair_distances_of(const Coordinates& x) {
  const std::vector<double> d = distances_of(x);
  return PairDistances{static_cast<int64_t>(x.size()), d, std::vector<double>(d.size(), 1.0)};
}

// RMSD after the best superposition by a proper rotation (or, with mirror, any orthogonal map).
double superposed_rmsd(const Coordinates& a, const Coordinates& b, bool mirror) {
  const auto n = static_cast<Eigen::Index>(a.size());
  Eigen::MatrixXd p(n, 3), q(n, 3);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) p(i, c) = a[i][c], q(i, c) = b[i][c];
  p.rowwise() -= p.colwise().mean();
  q.rowwise() -= q.colwise().mean();
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(p.transpose() * q, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
  if (!mirror && (svd.matrixV() * svd.matrixU().transpose()).determinant() < 0) d(2, 2) = -1;
  const Eigen::Matrix3d r = svd.matrixV() * d * svd.matrixU().transpose();
  return std::sqrt((p * r.transpose() - q).rowwise().squaredNorm().mean());
}

// C-alpha atoms of residues 32-43 of chain A of PDB 3V2U (t-coffee-examples), an alpha helix
// (HELIX records 35-42, continuing 30-35).
const Coordinates kRealHelix = {{-5.645, 7.786, 1.782},   {-3.498, 10.862, 1.172}, {-6.663, 12.725, 0.037},
                                {-8.912, 11.677, 2.908},  {-7.520, 9.822, 5.923},  {-4.443, 12.005, 6.118},
                                {-6.223, 15.415, 6.118},  {-8.765, 13.993, 8.603}, {-5.965, 13.069, 10.994},
                                {-4.316, 16.495, 10.795}, {-7.560, 17.995, 12.119}, {-7.544, 15.625, 15.122}};

TEST(DistogramBins, EdgesCentersAndContacts) {
  EXPECT_EQ(distance_bin(1.0), 0);
  EXPECT_EQ(distance_bin(kFirstEdge + 1e-9), 1);
  EXPECT_EQ(distance_bin(kLastEdge - 1e-9), kDistogramBins - 2);
  EXPECT_EQ(distance_bin(kLastEdge + 1e-9), kDistogramBins - 1);
  EXPECT_EQ(distance_bin(100.0), kDistogramBins - 1);
  EXPECT_NEAR(kBinWidth, 0.3125, 1e-12);
  for (int64_t b = 1; b < kDistogramBins - 1; ++b) EXPECT_EQ(distance_bin(bin_center(b)), b);
  std::vector<float> p(kDistogramBins, 0.0f);
  p[distance_bin(5.0)] = 1.0f;
  EXPECT_NEAR(expected_distance(p.data()), bin_center(distance_bin(5.0)), 1e-6);
  EXPECT_NEAR(contact_probability(p.data()), 1.0, 1e-6);
  std::fill(p.begin(), p.end(), 0.0f);
  p[distance_bin(12.0)] = 1.0f;
  EXPECT_NEAR(contact_probability(p.data()), 0.0, 1e-6);
  std::fill(p.begin(), p.end(), 0.0f);
  p[distance_bin(8.0)] = 1.0f;  // the bin straddling 8 A counts for the share below 8 A
  EXPECT_GT(contact_probability(p.data()), 0.0);
  EXPECT_LT(contact_probability(p.data()), 1.0);
}

TEST(ClassicalMds, RecoversCoordinatesFromExactDistancesUpToRigidMotion) {
  Generator g(3);
  Coordinates x(40);
  for (auto& point : x)
    for (double& c : point) c = 10.0 * g.normal();
  const Coordinates y = classical_mds(distances_of(x), 40);
  EXPECT_LT(superposed_rmsd(y, x, true), 1e-6);
}

TEST(CoordinatesFromDistances, ExactDistancesOfARealHelixComeBackRightHanded) {
  ASSERT_GT(helix_handedness(kRealHelix, pair_distances_of(kRealHelix)), 0) << "a real alpha helix is right-handed";
  const Coordinates y = coordinates_from_distances(pair_distances_of(kRealHelix));
  EXPECT_LT(superposed_rmsd(y, kRealHelix, false), 0.05) << "not the mirror image";
  Coordinates mirrored = kRealHelix;
  for (auto& p : mirrored) p[0] = -p[0];
  EXPECT_LT(helix_handedness(mirrored, pair_distances_of(mirrored)), 0);
  EXPECT_GT(superposed_rmsd(mirrored, kRealHelix, false), 1.0) << "the mirror image differs from the helix";
}

TEST(CoordinatesFromDistances, PairsWithoutWeightDoNotBendTheModel) {
  // Every fifth long-range pair of the helix told 10 A too long, with weight 0: the refinement
  // follows the weighted pairs and recovers the helix the classical MDS alone gets wrong.
  PairDistances pairs = pair_distances_of(kRealHelix);
  const auto L = static_cast<size_t>(pairs.length);
  for (size_t i = 0; i < L; ++i)
    for (size_t j = i + 4; j < L; j += 5) {
      pairs.distance[i * L + j] = pairs.distance[j * L + i] = pairs.distance[i * L + j] + 10.0;
      pairs.confidence[i * L + j] = pairs.confidence[j * L + i] = 0.0;
    }
  EXPECT_GT(superposed_rmsd(classical_mds(pairs.distance, pairs.length), kRealHelix, true), 0.5);
  EXPECT_LT(superposed_rmsd(coordinates_from_distances(pairs), kRealHelix, false), 0.05);
}

TEST(DistanceLddt, PerfectDistancesScoreOneErrorsLess) {
  ProteinChain chain;
  chain.sequence = std::string(kRealHelix.size(), 'A');
  for (const auto& p : kRealHelix) chain.atoms.push_back({missing_point(), p, missing_point(), missing_point()});
  const auto L = static_cast<int64_t>(kRealHelix.size());
  std::vector<double> d = distances_of(kRealHelix);
  for (double s : distance_lddt(d, chain, 0, L)) EXPECT_DOUBLE_EQ(s, 1.0);
  for (double& v : d) v += 1.5;  // every pair 1.5 A off: only the 2 and 4 A thresholds hold
  for (int64_t i = 0; i < L; ++i) EXPECT_DOUBLE_EQ(distance_lddt(d, chain, 0, L)[i], 0.5);
  chain.atoms[3][kCA] = missing_point();
  EXPECT_TRUE(std::isnan(distance_lddt(d, chain, 0, L)[3]));
}

TEST(RelativePositionRows, ExactNearByThenLogBucketsThenOneRowBeyondTheLimit) {
  StructureModelConfig c;
  c.max_relative_position = 4;
  c.long_range_buckets = 3;
  c.long_range_limit = 32;  // buckets cover (4, 8), [8, 16), [16, 32] on a log scale
  EXPECT_EQ(relative_position_rows(c), 2 * (4 + 3) + 1);
  const int64_t zero = 4 + 3;
  for (int64_t d = -4; d <= 4; ++d) EXPECT_EQ(relative_position_row(d, c), zero + d) << d;
  EXPECT_EQ(relative_position_row(5, c), zero + 5);
  EXPECT_EQ(relative_position_row(7, c), zero + 5);
  EXPECT_EQ(relative_position_row(8, c), zero + 6);
  EXPECT_EQ(relative_position_row(15, c), zero + 6);
  EXPECT_EQ(relative_position_row(16, c), zero + 7);
  EXPECT_EQ(relative_position_row(1000, c), zero + 7);
  EXPECT_EQ(relative_position_row(-1000, c), zero - 7);
  EXPECT_EQ(relative_position_row(-8, c), zero - 6);
  int64_t previous = relative_position_row(0, c);
  for (int64_t d = 1; d < 2000; ++d) {
    const int64_t row = relative_position_row(d, c);
    EXPECT_GE(row, previous) << d;
    EXPECT_LT(row, relative_position_rows(c));
    previous = row;
  }
}

TEST(RelativePositionRows, WithoutBucketsLongerSeparationsClip) {
  StructureModelConfig c;
  c.max_relative_position = 32;
  EXPECT_EQ(relative_position_rows(c), 65);
  EXPECT_EQ(relative_position_row(500, c), 64);
  EXPECT_EQ(relative_position_row(-500, c), 0);
  EXPECT_EQ(relative_position_row(31, c), 63);
}

}  // namespace
}  // namespace tessera::protein
