// Structure metrics on cases computed by hand: superposition, TM-score / GDT search, lDDT-C-alpha,
// contact precision.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/protein/contact_precision.h"
#include "eval/protein/lddt.h"
#include "eval/protein/superposition.h"
#include "eval/protein/superposition_scores.h"

namespace tessera::eval {
namespace {

// A helix-like C-alpha trace: 3.8 A between neighbours, 100 degrees per residue.
std::vector<Vec3> helix(size_t n) {
  std::vector<Vec3> points;
  for (size_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(i) * 100.0 * M_PI / 180.0;
    points.push_back({2.3 * std::cos(a), 2.3 * std::sin(a), 1.5 * static_cast<double>(i)});
  }
  return points;
}

// Rotation by `angle` about the axis (1, 2, 3)/|.|, then a shift: a rigid motion.
std::vector<Vec3> moved_rigidly(const std::vector<Vec3>& points, double angle) {
  const double norm = std::sqrt(14.0), x = 1 / norm, y = 2 / norm, z = 3 / norm;
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  const double r[3][3] = {{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
                          {t * x * y + s * z, t * y * y + c, t * y * z - s * x},
                          {t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
  std::vector<Vec3> out;
  for (const Vec3& p : points) {
    Vec3 q{};
    for (int i = 0; i < 3; ++i) q[i] = r[i][0] * p[0] + r[i][1] * p[1] + r[i][2] * p[2] + 10.0 * (i + 1);
    out.push_back(q);
  }
  return out;
}

TEST(Superposition, RigidCopyIsRecoveredExactly) {
  const auto reference = helix(30);
  const auto model = moved_rigidly(reference, 2.0);
  EXPECT_NEAR(superposed_rmsd(model, reference), 0.0, 1e-9);
  const RigidTransform transform = kabsch(model, reference);
  for (size_t i = 0; i < model.size(); ++i) EXPECT_NEAR(distance(transform.apply(model[i]), reference[i]), 0, 1e-9);
}

TEST(Superposition, ScaledSquareHasRmsdOneAndNoRotation) {
  // A square of half-width 1 against the same square doubled: by symmetry the best fit is the
  // identity, and every corner is 1 A off.
  const std::vector<Vec3> reference{{1, 0, 0}, {0, 1, 0}, {-1, 0, 0}, {0, -1, 0}};
  const std::vector<Vec3> model{{2, 0, 0}, {0, 2, 0}, {-2, 0, 0}, {0, -2, 0}};
  EXPECT_NEAR(superposed_rmsd(model, reference), 1.0, 1e-12);
}

TEST(Superposition, AMirrorImageIsNotSuperposedByAReflection) {
  auto reference = helix(20);
  auto mirror = reference;
  for (Vec3& p : mirror) p[0] = -p[0];
  EXPECT_GT(superposed_rmsd(mirror, reference), 1.0);
}

TEST(SuperpositionScores, IdenticalAndRotatedCopiesScoreOne) {
  const auto reference = helix(60);
  for (const auto& model : {reference, moved_rigidly(reference, 1.1)}) {
    const SuperpositionScores s = superposition_scores(model, reference, reference.size());
    EXPECT_NEAR(s.tm_score, 1.0, 1e-12);
    EXPECT_NEAR(s.gdt_ts, 1.0, 1e-12);
    EXPECT_NEAR(s.gdt_ha, 1.0, 1e-12);
    EXPECT_NEAR(s.rmsd, 0.0, 1e-9);
    EXPECT_EQ(s.n_common, 60u);
  }
}

TEST(SuperpositionScores, D0FollowsTheFormulaAndItsFloor) {
  EXPECT_NEAR(tm_score_d0(100), 1.24 * std::cbrt(85.0) - 1.8, 1e-12);
  EXPECT_EQ(tm_score_d0(15), 0.5);
  EXPECT_EQ(tm_score_d0(16), 0.5);  // 1.24 - 1.8 < 0.5
  EXPECT_NEAR(tm_score_d0(300), 1.24 * std::cbrt(285.0) - 1.8, 1e-12);
}

TEST(SuperpositionScores, HalfTheChainFarAwayIsFoundBySearchingFragments) {
  // The second half moved 100 A away: the global fit is poor, the best fit puts the first half
  // exactly on the reference: TM = 0.5 + 0.5 / (1 + (100/d0)^2), GDT = 0.5.
  const auto reference = helix(100);
  auto model = reference;
  for (size_t i = 50; i < 100; ++i) model[i][0] += 100.0;
  const SuperpositionScores s = superposition_scores(model, reference, 100);
  const double d0 = tm_score_d0(100);
  EXPECT_NEAR(s.tm_score, 0.5 + 0.5 / (1 + (100 / d0) * (100 / d0)), 1e-9);
  EXPECT_NEAR(s.gdt_ts, 0.5, 1e-12);
  EXPECT_NEAR(s.gdt_ha, 0.5, 1e-12);
  // The RMSD is the global fit's, which no rotation brings near the search's exact half.
  EXPECT_NEAR(s.rmsd, superposed_rmsd(model, reference), 1e-12);
  EXPECT_GT(s.rmsd, 10.0);
}

TEST(SuperpositionScores, TheReferenceLengthNormalises) {
  // 80 of a 120-residue reference predicted exactly: TM, GDT = 80/120; d0 from 120.
  const auto reference = helix(80);
  const SuperpositionScores s = superposition_scores(reference, reference, 120);
  EXPECT_NEAR(s.tm_score, 80.0 / 120.0, 1e-12);
  EXPECT_NEAR(s.gdt_ts, 80.0 / 120.0, 1e-12);
  EXPECT_NEAR(s.d0, tm_score_d0(120), 1e-12);
}

TEST(SuperpositionScores, GdtCountsEachThresholdInclusively) {
  // Four residues far apart on a plane; the model moves each by exactly 0.5, 1, 2 and 8 A along z,
  // and 4 more reference residues are exact. The search cannot do better than the identity for
  // the exact ones; distances at the thresholds count (TMscore's dis <= cut).
  std::vector<Vec3> reference, model;
  for (int i = 0; i < 8; ++i) reference.push_back({40.0 * (i % 4), 40.0 * (i / 4), 0});
  model = reference;
  const double shifts[4] = {0.5, 1, 2, 8};
  for (int i = 0; i < 4; ++i) model[static_cast<size_t>(4 + i)][2] += shifts[i];
  const SuperpositionScores s = superposition_scores(model, reference, 8);
  // With the identity: <=0.5: 5, <=1: 6, <=2: 7, <=4: 7, <=8: 8.
  EXPECT_GE(s.gdt_ha, (5 + 6 + 7 + 7) / 32.0 - 1e-12);
  EXPECT_GE(s.gdt_ts, (6 + 7 + 7 + 8) / 32.0 - 1e-12);
  EXPECT_LE(s.gdt_ts, 1.0);
}

// Every other residue 1e12 A away (a hostile mmCIF): TMscore's cut widened 0.5 A a step until it
// held three pairs, which never ended. The score is the ten residues left in place.
TEST(SuperpositionScores, AFarAwayHalfEndsAndScoresTheRest) {
  std::vector<Vec3> reference, model;
  for (size_t i = 0; i < 20; ++i) {
    reference.push_back({3.8 * static_cast<double>(i), 0, 0});
    model.push_back(i % 2 ? Vec3{1e12 * static_cast<double>(i + 1), 0, 0} : reference.back());
  }
  const SuperpositionScores s = superposition_scores(model, reference, 20);
  EXPECT_NEAR(s.tm_score, 0.5, 1e-9);
  EXPECT_NEAR(s.gdt_ts, 0.5, 1e-12);
}

TEST(SuperpositionScores, NoCommonResidueScoresZero) {
  const SuperpositionScores s = superposition_scores({}, {}, 50);
  EXPECT_EQ(s.tm_score, 0.0);
  EXPECT_EQ(s.gdt_ts, 0.0);
  EXPECT_TRUE(std::isnan(s.rmsd));
}

TEST(Lddt, IdenticalAndRigidlyMovedModelsScoreOne) {
  const auto reference = helix(40);
  EXPECT_NEAR(lddt_ca(reference, reference), 1.0, 1e-12);
  EXPECT_NEAR(lddt_ca(moved_rigidly(reference, 0.7), reference), 1.0, 1e-12);
}

TEST(Lddt, StretchedLineByHand) {
  // Reference 0, 1, 2, 3 A on a line; the model stretches it by 1.2: errors 0.2 (3 pairs), 0.4
  // (2 pairs), 0.6 (1 pair, preserved at 1, 2 and 4 only): (3 + 2 + 0.75) / 6.
  std::vector<Vec3> reference, model;
  for (int i = 0; i < 4; ++i) {
    reference.push_back({double(i), 0, 0});
    model.push_back({1.2 * i, 0, 0});
  }
  EXPECT_NEAR(lddt_ca(model, reference), 5.75 / 6.0, 1e-12);
  const auto per_residue = lddt_ca_per_residue(model, reference);
  // Residue 0: pairs with 1 (1), 2 (1), 3 (0.75).
  EXPECT_NEAR(per_residue[0], 2.75 / 3.0, 1e-12);
}

TEST(Lddt, MissingModelResiduesArePenalisedAndFarPairsIgnored) {
  const double nan = std::nan("");
  std::vector<Vec3> reference{{0, 0, 0}, {3, 0, 0}, {6, 0, 0}, {9, 0, 0}, {100, 0, 0}};
  std::vector<Vec3> model = reference;
  model[2] = {nan, nan, nan};
  // Pairs within 15 A among the first four: 6; three involve residue 2. Residue 4 has no pair.
  EXPECT_NEAR(lddt_ca(model, reference), 3.0 / 6.0, 1e-12);
  EXPECT_TRUE(std::isnan(lddt_ca_per_residue(model, reference)[4]));
  // A residue the reference lacks is left out entirely.
  reference[2] = {nan, nan, nan};
  EXPECT_NEAR(lddt_ca(model, reference), 1.0, 1e-12);
}

TEST(ContactPrecision, RankedPairsByHand) {
  // 30 residues 3.8 A apart on a line, but the last one folded back next to the first: its
  // contacts are (0,29), (1,29), (2,29) at 1, 2.8 and 6.6 A; no other pair is within 8 A at
  // separation >= 6.
  const size_t n = 30;
  std::vector<Vec3> cbeta;
  for (size_t i = 0; i < n; ++i) cbeta.push_back({3.8 * static_cast<double>(i), 0, 0});
  cbeta[29] = {1, 0, 0};
  std::vector<double> p(n * n, 0.1);
  p[0 * n + 29] = 0.9;
  p[5 * n + 29] = 0.8;  // not a contact
  p[1 * n + 29] = 0.7;
  const ContactPrecision c = contact_precision(p, cbeta);
  // Long range has 21 pairs. Top 6: 0.9 (hit), 0.8 (miss), 0.7 (hit), then 3 of the 18 tied at
  // 0.1, which hold one contact, (2,29): 3/18 of a hit. Top 15: 12/18 of it. Top 30 -> all 21.
  EXPECT_NEAR(c.long_range.at_l5, (2.0 + 3.0 / 18.0) / 6.0, 1e-12);
  EXPECT_NEAR(c.long_range.at_l2, (2.0 + 12.0 / 18.0) / 15.0, 1e-12);
  EXPECT_NEAR(c.long_range.at_l, 3.0 / 21.0, 1e-12);
  EXPECT_EQ(c.short_range.at_l5, 0.0);
  EXPECT_EQ(c.medium_range.at_l, 0.0);
}

// A map that ties (the separation baseline ranks every pair at one separation alike) must score
// the same wherever along the chain its contacts sit: chain order used to break the tie, so a
// constant map scored 1/12 at P@L/5 with a contact at the chain's start and 0 with it at its end.
TEST(ContactPrecision, TiedPairsScoreTheirMeanWhereverContactsSit) {
  const size_t n = 60;
  auto line_folded_at = [&](size_t first) {
    // Residues 3.8 A apart on a line; residue first + 30 folded back 1 A from residue first, in
    // contact with first - 1 .. first + 2.
    std::vector<Vec3> cbeta;
    for (size_t i = 0; i < n; ++i) cbeta.push_back({3.8 * static_cast<double>(i), 0, 0});
    cbeta[first + 30] = {3.8 * static_cast<double>(first) + 1.0, 0, 0};
    return cbeta;
  };
  const std::vector<double> constant(n * n, 0.3);
  const ContactPrecision start = contact_precision(constant, line_folded_at(1));
  const ContactPrecision end = contact_precision(constant, line_folded_at(29));
  EXPECT_NEAR(start.long_range.at_l5, end.long_range.at_l5, 1e-12);
  EXPECT_NEAR(start.long_range.at_l, end.long_range.at_l, 1e-12);
  // Every P@k of a constant map is the range's share of contacts.
  size_t pairs = 0, contacts = 0;
  const std::vector<Vec3> cbeta = line_folded_at(1);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 24; j < n; ++j) ++pairs, contacts += distance(cbeta[i], cbeta[j]) < kContactDistance;
  ASSERT_GT(contacts, 0u);
  EXPECT_NEAR(start.long_range.at_l5, static_cast<double>(contacts) / static_cast<double>(pairs), 1e-12);
  // A tie below the cut changes nothing: one confident hit above a tie of misses and hits.
  std::vector<double> confident = constant;
  confident[1 * n + 31] = 0.9;
  EXPECT_NEAR(contact_precision(confident, cbeta).long_range.at_l5,
              (1.0 + 11.0 * static_cast<double>(contacts - 1) / static_cast<double>(pairs - 1)) / 12.0, 1e-12);
}

TEST(ContactPrecision, PerfectMapAndMissingCbeta) {
  const size_t n = 40;
  // A compact ball: every residue within 8 A of every other, so every pair is a contact.
  std::vector<Vec3> cbeta;
  for (size_t i = 0; i < n; ++i) cbeta.push_back({std::cos(double(i)), std::sin(double(i)), 0.05 * double(i)});
  const std::vector<double> p(n * n, 0.5);
  const ContactPrecision c = contact_precision(p, cbeta);
  EXPECT_EQ(c.long_range.at_l, 1.0);
  EXPECT_EQ(c.short_range.at_l2, 1.0);
  // Without C-beta there is nothing to score.
  const double nan = std::nan("");
  const ContactPrecision none = contact_precision(p, std::vector<Vec3>(n, Vec3{nan, nan, nan}));
  EXPECT_TRUE(std::isnan(none.long_range.at_l));
}

}  // namespace
}  // namespace tessera::eval
