// WeatherBench scores against values worked out by hand on a 2 x 2 grid at latitudes 0 and 60,
// whose weights are 4/3 and 2/3 (cos latitude, mean 1).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "eval/field_metrics.h"
#include "modalities/field/latitude_weights.h"

namespace tessera::eval {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

FieldScorer scorer() { return FieldScorer(field::latitude_weights({0, 60}), 2); }

TEST(FieldMetrics, RmseAndBiasAreLatitudeWeighted) {
  FieldScorer s = scorer();
  const float f[] = {1, 1, 2, 0}, o[] = {0, 0, 0, 0}, c[] = {0, 0, 0, 0};
  s.add(f, o, c);
  // weighted squared error: 4/3 (1 + 1) + 2/3 (4 + 0) = 16/3 over total weight 4 -> 4/3
  EXPECT_NEAR(s.result().rmse, std::sqrt(4.0 / 3.0), 1e-12);
  // weighted error: 4/3 (1 + 1) + 2/3 (2 + 0) = 4 over 4 -> 1
  EXPECT_NEAR(s.result().bias, 1.0, 1e-12);
  EXPECT_EQ(s.result().forecasts, 1);
}

TEST(FieldMetrics, RmseIsTheMeanOfPerForecastRmse) {
  FieldScorer s = scorer();
  const float zero[] = {0, 0, 0, 0}, one[] = {1, 1, 1, 1}, three[] = {3, 3, 3, 3};
  s.add(one, zero, zero);
  s.add(three, zero, zero);
  EXPECT_NEAR(s.result().rmse, 2.0, 1e-12);  // (1 + 3) / 2, not sqrt((1 + 9) / 2)
  EXPECT_NEAR(s.result().bias, 2.0, 1e-12);
}

TEST(FieldMetrics, AccOfAnomalies) {
  FieldScorer s = scorer();
  const float c[] = {10, 10, 10, 10};
  const float o[] = {11, 9, 12, 10};  // anomalies 1, -1, 2, 0
  const float f[] = {12, 10, 10, 10};  // anomalies 2, 0, 0, 0
  s.add(f, o, c);
  // sum w f'o' = 4/3 * 2 = 8/3; sum w f'^2 = 4/3 * 4 = 16/3; sum w o'^2 = 4/3 (1 + 1) + 2/3 * 4 = 16/3
  EXPECT_NEAR(s.result().acc, (8.0 / 3.0) / (16.0 / 3.0), 1e-12);
  FieldScorer perfect = scorer();
  perfect.add(o, o, c);
  EXPECT_NEAR(perfect.result().acc, 1.0, 1e-12);
  EXPECT_NEAR(perfect.result().rmse, 0.0, 1e-12);
}

TEST(FieldMetrics, AccUndefinedForAConstantAnomalyIsLeftOut) {
  FieldScorer s = scorer();
  const float c[] = {10, 10, 10, 10};
  s.add(c, c, c);  // climatology scored against itself: no anomaly at all
  EXPECT_TRUE(std::isnan(s.result().acc));
  EXPECT_EQ(s.result().forecasts, 1);
  EXPECT_EQ(s.result().acc_forecasts, 0);
}

TEST(FieldMetrics, MissingPointsAreLeftOut) {
  FieldScorer s = scorer();
  const float f[] = {1, 5, 2, 0}, o[] = {0, kNaN, 0, 0}, c[] = {0, 0, 0, kNaN};
  s.add(f, o, c);
  // left: (0,0) error 1 weight 4/3, (1,0) error 2 weight 2/3 -> (4/3 + 8/3) / 2 = 2
  EXPECT_NEAR(s.result().rmse, std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(s.result().bias, (4.0 / 3.0 + 4.0 / 3.0) / 2.0, 1e-12);
  FieldScorer empty = scorer();
  const float none[] = {kNaN, kNaN, kNaN, kNaN};
  empty.add(f, none, c);
  EXPECT_EQ(empty.result().forecasts, 0);
  EXPECT_TRUE(std::isnan(empty.result().rmse));
}

}  // namespace
}  // namespace tessera::eval
