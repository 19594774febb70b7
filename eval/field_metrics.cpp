#include "eval/field_metrics.h"

#include <cmath>
#include <limits>

namespace tessera::eval {

FieldScorer::FieldScorer(std::vector<double> latitude_weights, int64_t lons) : weights_(std::move(latitude_weights)), lons_(lons) {}

void FieldScorer::add(const float* f, const float* o, const float* c) {
  double w_sum = 0, sq = 0, diff = 0, fo = 0, ff = 0, oo = 0;
  for (size_t y = 0; y < weights_.size(); ++y)
    for (int64_t x = 0; x < lons_; ++x) {
      const size_t i = y * static_cast<size_t>(lons_) + static_cast<size_t>(x);
      if (std::isnan(f[i]) || std::isnan(o[i]) || std::isnan(c[i])) continue;
      const double w = weights_[y], d = static_cast<double>(f[i]) - o[i];
      const double fa = static_cast<double>(f[i]) - c[i], oa = static_cast<double>(o[i]) - c[i];
      w_sum += w;
      sq += w * d * d;
      diff += w * d;
      fo += w * fa * oa;
      ff += w * fa * fa;
      oo += w * oa * oa;
    }
  if (w_sum <= 0) return;
  rmse_sum_ += std::sqrt(sq / w_sum);
  bias_sum_ += diff / w_sum;
  ++forecasts_;
  if (ff > 0 && oo > 0) {
    acc_sum_ += fo / std::sqrt(ff * oo);
    ++acc_forecasts_;
  }
}

FieldScore FieldScorer::result() const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  FieldScore s;
  s.forecasts = forecasts_;
  s.acc_forecasts = acc_forecasts_;
  s.rmse = forecasts_ ? rmse_sum_ / static_cast<double>(forecasts_) : nan;
  s.bias = forecasts_ ? bias_sum_ / static_cast<double>(forecasts_) : nan;
  s.acc = acc_forecasts_ ? acc_sum_ / static_cast<double>(acc_forecasts_) : nan;
  return s;
}

}  // namespace tessera::eval
