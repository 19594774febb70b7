// `tessera eval protein` against the TMscore program (Debian tm-align, 2019/08/22) on files written
// here: decoys of protein-like C-alpha traces (noise, a hinge motion, gaps on either side, insertion
// codes), so the comparison runs wherever tm-align is installed. TM-score, GDT_TS, GDT_HA, RMSD, the
// common residues and the reference length must agree (tolerances in tmscore_comparison.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "tests/protein/pdb_fixture.h"
#include "tests/protein/tmscore_comparison.h"
#include "tests/support/scratch_dir.h"

namespace tessera::protein {
namespace {

using Point3 = std::array<double, 3>;
using test_support::compare_with_tmscore;
using test_support::have_tmscore;
using test_support::ScratchDir;

// A protein-like C-alpha trace: 3.8 A steps, bond angles near 110 degrees, torsions drawn from
// helix-like (50), strand-like (-170) and random values, so the chain has helices, strands and turns.
std::vector<Point3> random_chain(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> uniform(-M_PI, M_PI);
  std::uniform_int_distribution<int> kind(0, 9);
  std::vector<Point3> ca{{0, 0, 0}, {3.8, 0, 0}, {3.8 + 3.8 * std::cos(1.2), 3.8 * std::sin(1.2), 0}};
  while (ca.size() < n) {
    const Point3 &a = ca[ca.size() - 3], &b = ca[ca.size() - 2], &c = ca[ca.size() - 1];
    const int k = kind(rng);
    const double torsion = k < 5 ? 50 * M_PI / 180 : k < 8 ? -170 * M_PI / 180 : uniform(rng);
    const double angle = (k < 5 ? 91.0 : 120.0) * M_PI / 180;
    // Natural extension reference frame at c.
    Point3 bc{c[0] - b[0], c[1] - b[1], c[2] - b[2]}, ab{b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    auto norm = [](Point3 v) {
      const double l = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      return Point3{v[0] / l, v[1] / l, v[2] / l};
    };
    auto cross = [](Point3 u, Point3 v) {
      return Point3{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    };
    const Point3 e = norm(bc), nrm = norm(cross(ab, e)), m = cross(nrm, e);
    const double x = -3.8 * std::cos(angle), y = 3.8 * std::sin(angle) * std::cos(torsion),
                 z = 3.8 * std::sin(angle) * std::sin(torsion);
    ca.push_back({c[0] + x * e[0] + y * m[0] + z * nrm[0], c[1] + x * e[1] + y * m[1] + z * nrm[1],
                  c[2] + x * e[2] + y * m[2] + z * nrm[2]});
  }
  ca.resize(n);
  return ca;
}

// Rotation by `angle` about a random axis through `center`, then a shift.
std::vector<Point3> rotated(std::vector<Point3> points, size_t from, const Point3& center, double angle, std::mt19937& rng,
                            const Point3& shift = {0, 0, 0}) {
  std::normal_distribution<double> normal(0, 1);
  Point3 axis{normal(rng), normal(rng), normal(rng)};
  const double l = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  const double x = axis[0] / l, y = axis[1] / l, z = axis[2] / l, c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  const double r[3][3] = {{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
                          {t * x * y + s * z, t * y * y + c, t * y * z - s * x},
                          {t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
  for (size_t i = from; i < points.size(); ++i) {
    const Point3 p{points[i][0] - center[0], points[i][1] - center[1], points[i][2] - center[2]};
    for (int k = 0; k < 3; ++k) points[i][k] = r[k][0] * p[0] + r[k][1] * p[1] + r[k][2] * p[2] + center[k] + shift[k];
  }
  return points;
}

std::vector<Point3> noisy(std::vector<Point3> points, double sigma, std::mt19937& rng) {
  std::normal_distribution<double> normal(0, sigma);
  for (Point3& p : points)
    for (double& x : p) x += normal(rng);
  return points;
}

struct Trace {
  std::vector<Point3> ca;
  std::vector<int> numbers;
  std::vector<char> icodes;
  void erase(size_t from, size_t count) {
    ca.erase(ca.begin() + static_cast<long>(from), ca.begin() + static_cast<long>(from + count));
    numbers.erase(numbers.begin() + static_cast<long>(from), numbers.begin() + static_cast<long>(from + count));
    icodes.erase(icodes.begin() + static_cast<long>(from), icodes.begin() + static_cast<long>(from + count));
  }
};

// Numbered from 5; with `insertions`, residues 3-5 of the chain are 10, 10A, 10B (Kabat-style).
Trace trace_of(const std::vector<Point3>& ca, bool insertions) {
  Trace t{ca, {}, {}};
  for (size_t i = 0; i < ca.size(); ++i) {
    t.numbers.push_back(5 + static_cast<int>(i));
    t.icodes.push_back(' ');
  }
  if (insertions && ca.size() > 8)
    for (size_t i = 3; i < 6; ++i) {
      t.numbers[i] = 10;
      t.icodes[i] = i == 3 ? ' ' : static_cast<char>('A' + (i - 4));
    }
  return t;
}

void write_pair(const ScratchDir& dir, const std::string& name, const Trace& model, const Trace& reference) {
  test_support::write_text((dir / "predictions" / (name + ".pdb")).string(),
                           test_support::ca_trace_pdb(model.ca, model.numbers, model.icodes));
  test_support::write_text((dir / "references" / (name + ".pdb")).string(),
                           test_support::ca_trace_pdb(reference.ca, reference.numbers, reference.icodes));
}

TEST(TmscoreAgreement, GeneratedDecoys) {
  if (!have_tmscore()) GTEST_SKIP() << "TMscore (Debian tm-align) not installed";
  ScratchDir dir;
  std::filesystem::create_directory(dir / "predictions");
  std::filesystem::create_directory(dir / "references");
  std::mt19937 rng(2024);
  int written = 0;
  for (size_t length : {12, 40, 100, 250}) {
    const std::vector<Point3> native = random_chain(length, rng);
    const Trace reference = trace_of(native, true);
    const Point3 hinge = native[length / 2];
    auto name = [&](const std::string& kind) { return "L" + std::to_string(length) + "_" + kind; };
    for (double sigma : {0.2, 0.8, 2.0, 4.0, 8.0}) {
      char kind[32];
      std::snprintf(kind, sizeof kind, "noise%.1f", sigma);
      write_pair(dir, name(kind), trace_of(noisy(rotated(native, 0, {0, 0, 0}, 1.0, rng, {5, -3, 8}), sigma, rng), true),
                 reference);
      ++written;
    }
    // A domain motion: the second half turned 40 degrees about its first residue.
    write_pair(dir, name("hinge"), trace_of(noisy(rotated(native, length / 2, hinge, 0.7, rng), 0.5, rng), true), reference);
    // The model lacks a stretch; then the reference lacks one.
    Trace gapped = trace_of(noisy(native, 1.0, rng), true);
    gapped.erase(length / 3, length / 5);
    write_pair(dir, name("model_gap"), gapped, reference);
    Trace partial = reference;
    partial.erase(length / 2, length / 4);
    write_pair(dir, name("reference_gap"), trace_of(noisy(native, 1.0, rng), true), partial);
    written += 3;
  }
  // One, two and three residues in common: the search's degenerate seeds.
  const std::vector<Point3> tiny = random_chain(3, rng);
  for (size_t kept = 1; kept <= 3; ++kept) {
    Trace model = trace_of(noisy(tiny, 0.4, rng), false);
    model.erase(kept, 3 - kept);
    write_pair(dir, "tiny" + std::to_string(kept), model, trace_of(tiny, false));
    ++written;
  }
  EXPECT_EQ(compare_with_tmscore(dir, "generated decoys"), written);
}

}  // namespace
}  // namespace tessera::protein
