#pragma once
// Optimal rigid superposition of paired points (Kabsch 1976): the rotation and translation that
// carry `moving` onto `fixed` with the least sum of squared distances, a proper rotation (no mirror).
#include <array>
#include <vector>

namespace tessera::eval {

using Vec3 = std::array<double, 3>;

struct RigidTransform {
  std::array<Vec3, 3> rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};  // row-major
  Vec3 translation{0, 0, 0};
  Vec3 apply(const Vec3& p) const;
};

// The transform for paired points (same length). No points: the identity, as TMscore's u3b does.
RigidTransform kabsch(const std::vector<Vec3>& moving, const std::vector<Vec3>& fixed);

// Root mean square distance between `fixed` and `moving` after its optimal superposition.
double superposed_rmsd(const std::vector<Vec3>& moving, const std::vector<Vec3>& fixed);

double distance(const Vec3& a, const Vec3& b);

}  // namespace tessera::eval
