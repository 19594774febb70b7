#pragma once
// Forecast scores on a latitude-longitude grid, as WeatherBench (Rasp et al. 2020, 2024) defines
// them, with w the latitude weights (cos(latitude), mean 1):
//   RMSE = mean over forecasts of sqrt(weighted mean over the grid of (f - o)^2)
//   bias = mean over forecasts of the weighted mean of (f - o)
//   ACC  = mean over forecasts of sum w f'o' / sqrt(sum w f'^2 * sum w o'^2), f' = f - c, o' = o - c
// where c is the climatology. A grid point missing (NaN) in f, o or c is left out of that
// forecast's sums, and the weighted means divide by the weights of the points that remain.
#include <cstdint>
#include <vector>

namespace tessera::eval {

struct FieldScore {
  double rmse = 0, bias = 0, acc = 0;
  int64_t forecasts = 0;   // fields scored (those with at least one valid point)
  int64_t acc_forecasts = 0;  // of which have non-zero anomalies in both f and o
};

class FieldScorer {
 public:
  FieldScorer(std::vector<double> latitude_weights, int64_t lons);
  // One forecast field [lat][lon] with its observation and climatology.
  void add(const float* forecast, const float* observed, const float* climatology);
  FieldScore result() const;

 private:
  std::vector<double> weights_;
  int64_t lons_;
  double rmse_sum_ = 0, bias_sum_ = 0, acc_sum_ = 0;
  int64_t forecasts_ = 0, acc_forecasts_ = 0;
};

}  // namespace tessera::eval
