// Property scores against values worked out by hand, ties included, and ridge regression on data
// it can fit exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/molecule/property_metrics.h"
#include "eval/molecule/ridge_regression.h"

namespace tessera::eval {
namespace {

TEST(PropertyMetrics, RegressionScores) {
  const RegressionScores s = regression_scores({1, 2, 3}, {1, 2, 5});
  EXPECT_NEAR(s.rmse, std::sqrt(4.0 / 3.0), 1e-12);
  EXPECT_NEAR(s.mae, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s.r2, 1.0 - 4.0 / 2.0, 1e-12);
  EXPECT_NEAR(s.spearman, 1.0, 1e-12);
}

TEST(PropertyMetrics, SpearmanWithTiesUsesAverageRanks) {
  EXPECT_EQ(average_ranks({1, 2, 2, 3}), (std::vector<double>{1, 2.5, 2.5, 4}));
  // Ranks (1, 2.5, 2.5, 4) against (1, 3, 2, 4): 4.5 / sqrt(4.5 * 5).
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 3, 2, 4}), 3.0 / std::sqrt(10.0), 1e-12);
  // A constant side has no ranking: undefined, not a correlation of 0 that would enter means.
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(regression_scores({2, 2}, {1, 3}).r2));
}

TEST(PropertyMetrics, RocAucCountsTiedPairsAsHalf) {
  // Pairs (positive, negative): 0.5>0.1, 0.5=0.5 (one half), 0.9>0.1, 0.9>0.5: 3.5 of 4.
  EXPECT_NEAR(roc_auc({0, 0, 1, 1}, {0.1, 0.5, 0.5, 0.9}), 0.875, 1e-12);
  EXPECT_NEAR(roc_auc({1, 0}, {0.2, 0.8}), 0.0, 1e-12);
  // One class only: undefined, not the 0.5 of a coin, which would pass for a score in a mean.
  EXPECT_TRUE(std::isnan(roc_auc({1, 1}, {0.2, 0.8})));
  EXPECT_TRUE(std::isnan(pr_auc({0, 0}, {0.2, 0.8})));
}

TEST(PropertyMetrics, PrAucTreatsATieAsOneThreshold) {
  // Threshold 0.9: recall 1/2 at precision 1; threshold 0.5: recall 1 at precision 2/3.
  EXPECT_NEAR(pr_auc({0, 0, 1, 1}, {0.1, 0.5, 0.5, 0.9}), 0.5 + 0.5 * 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(pr_auc({1, 0, 1}, {0.9, 0.8, 0.1}), 0.5 + 0.5 * 2.0 / 3.0, 1e-12);
}

TEST(RidgeRegression, RecoversALinearFunctionAndPrefersTheSmallPenaltyOnValidation) {
  FeatureRows x, vx;
  std::vector<double> y, vy;
  for (int i = 0; i < 20; ++i) {
    const double a = i * 0.5, b = (i * 7 % 5) - 2.0;
    (i < 15 ? x : vx).push_back({a, b});
    (i < 15 ? y : vy).push_back(2 * a - b + 3);
  }
  const RidgeRegression r = RidgeRegression::fit(x, y, vx, vy, {1e-8, 10, 1000});
  EXPECT_EQ(r.penalty(), 1e-8);
  EXPECT_NEAR(r.predict({4.0, 1.0}), 2 * 4.0 - 1.0 + 3, 1e-5);
  // More features than samples: the dual form.
  FeatureRows wide{{1, 0, 0, 0}, {0, 1, 0, 0}};
  const RidgeRegression w = RidgeRegression::fit(wide, {1, -1}, wide, {1, -1}, {1e-9});
  EXPECT_NEAR(w.predict({1, 0, 0, 0}), 1.0, 1e-6);
}

}  // namespace
}  // namespace tessera::eval
