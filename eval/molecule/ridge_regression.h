#pragma once
// Ridge regression in closed form, the baseline every molecular property model is scored beside:
// features centred, the intercept the training mean, the penalty chosen on a validation split.
// Solved through one eigendecomposition of the smaller Gram matrix (samples or features), so
// every penalty of the grid costs a matrix-vector product.
#include <vector>

namespace tessera::eval {

using FeatureRows = std::vector<std::vector<double>>;

class RidgeRegression {
 public:
  // Fits on (rows, y) and keeps the penalty of `penalties` with the lowest validation RMSE.
  static RidgeRegression fit(const FeatureRows& rows, const std::vector<double>& y, const FeatureRows& validation_rows,
                             const std::vector<double>& validation_y, const std::vector<double>& penalties);
  double predict(const std::vector<double>& row) const;
  double penalty() const { return penalty_; }

 private:
  std::vector<double> weights_, feature_mean_;
  double intercept_ = 0, penalty_ = 0;
};

// 10^-2 .. 10^4.
std::vector<double> default_ridge_penalties();

}  // namespace tessera::eval
