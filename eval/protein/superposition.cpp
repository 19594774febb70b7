#include "eval/protein/superposition.h"

#include <Eigen/Dense>
#include <cmath>

#include "core/util/error.h"

namespace tessera::eval {

Vec3 RigidTransform::apply(const Vec3& p) const {
  Vec3 out{};
  for (int i = 0; i < 3; ++i)
    out[i] = translation[i] + rotation[i][0] * p[0] + rotation[i][1] * p[1] + rotation[i][2] * p[2];
  return out;
}

double distance(const Vec3& a, const Vec3& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

RigidTransform kabsch(const std::vector<Vec3>& moving, const std::vector<Vec3>& fixed) {
  TESSERA_CHECK(moving.size() == fixed.size(), "kabsch: the two point sets differ in length");
  RigidTransform transform;
  if (moving.empty()) return transform;
  const double n = static_cast<double>(moving.size());
  Eigen::Vector3d moving_center = Eigen::Vector3d::Zero(), fixed_center = Eigen::Vector3d::Zero();
  for (size_t i = 0; i < moving.size(); ++i) {
    moving_center += Eigen::Vector3d(moving[i][0], moving[i][1], moving[i][2]);
    fixed_center += Eigen::Vector3d(fixed[i][0], fixed[i][1], fixed[i][2]);
  }
  moving_center /= n;
  fixed_center /= n;
  Eigen::Matrix3d covariance = Eigen::Matrix3d::Zero();
  for (size_t i = 0; i < moving.size(); ++i)
    covariance += (Eigen::Vector3d(moving[i][0], moving[i][1], moving[i][2]) - moving_center) *
                  (Eigen::Vector3d(fixed[i][0], fixed[i][1], fixed[i][2]) - fixed_center).transpose();
  const Eigen::JacobiSVD<Eigen::Matrix3d> svd(covariance, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d correction = Eigen::Matrix3d::Identity();
  // A reflection would fit better when the points are mirrored; the last axis is flipped instead.
  if ((svd.matrixV() * svd.matrixU().transpose()).determinant() < 0) correction(2, 2) = -1;
  const Eigen::Matrix3d rotation = svd.matrixV() * correction * svd.matrixU().transpose();
  const Eigen::Vector3d translation = fixed_center - rotation * moving_center;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) transform.rotation[i][j] = rotation(i, j);
    transform.translation[i] = translation(i);
  }
  return transform;
}

double superposed_rmsd(const std::vector<Vec3>& moving, const std::vector<Vec3>& fixed) {
  if (moving.empty()) return std::nan("");
  const RigidTransform transform = kabsch(moving, fixed);
  double sum = 0;
  for (size_t i = 0; i < moving.size(); ++i) {
    const double d = distance(transform.apply(moving[i]), fixed[i]);
    sum += d * d;
  }
  return std::sqrt(sum / static_cast<double>(moving.size()));
}

}  // namespace tessera::eval
