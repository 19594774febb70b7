#include "eval/molecule/ridge_regression.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

namespace tessera::eval {

std::vector<double> default_ridge_penalties() { return {1e-2, 1e-1, 1, 10, 100, 1e3, 1e4}; }

RidgeRegression RidgeRegression::fit(const FeatureRows& rows, const std::vector<double>& y, const FeatureRows& validation_rows,
                                     const std::vector<double>& validation_y, const std::vector<double>& penalties) {
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size()), p = rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size());
  RidgeRegression r;
  r.feature_mean_.assign(static_cast<size_t>(p), 0.0);
  if (n == 0) return r;
  Eigen::MatrixXd X(n, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < p; ++j) X(i, j) = rows[static_cast<size_t>(i)][static_cast<size_t>(j)];
  const Eigen::RowVectorXd mean = X.colwise().mean();
  X.rowwise() -= mean;
  Eigen::VectorXd target = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  r.intercept_ = target.mean();
  target.array() -= r.intercept_;
  for (Eigen::Index j = 0; j < p; ++j) r.feature_mean_[static_cast<size_t>(j)] = mean(j);
  // w = (X'X + a I)^-1 X'y = X'(XX' + a I)^-1 y: decompose whichever Gram matrix is smaller.
  const bool dual = n < p;
  const Eigen::MatrixXd gram = dual ? Eigen::MatrixXd(X * X.transpose()) : Eigen::MatrixXd(X.transpose() * X);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
  const Eigen::VectorXd projected = eigen.eigenvectors().transpose() * (dual ? target : Eigen::VectorXd(X.transpose() * target));
  double best = std::numeric_limits<double>::infinity();
  for (double a : penalties) {
    const Eigen::VectorXd scaled = projected.array() / (eigen.eigenvalues().array().max(0.0) + a);
    const Eigen::VectorXd solution = eigen.eigenvectors() * scaled;
    RidgeRegression candidate = r;
    const Eigen::VectorXd w = dual ? Eigen::VectorXd(X.transpose() * solution) : solution;
    candidate.weights_.assign(w.data(), w.data() + w.size());
    candidate.penalty_ = a;
    double squares = 0;
    for (size_t i = 0; i < validation_rows.size(); ++i) {
      const double e = candidate.predict(validation_rows[i]) - validation_y[i];
      squares += e * e;
    }
    if (squares < best) {
      best = squares;
      r.weights_ = candidate.weights_;
      r.penalty_ = a;
    }
  }
  return r;
}

double RidgeRegression::predict(const std::vector<double>& row) const {
  double v = intercept_;
  for (size_t j = 0; j < weights_.size(); ++j) v += weights_[j] * (row[j] - feature_mean_[j]);
  return v;
}

}  // namespace tessera::eval
