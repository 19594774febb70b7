// The domain-free scores of eval/: language-model scores from token cross-entropies, and forecast
// score tables (JSON with null for a score without a value; a fixed-width table for people).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "eval/forecast_scores.h"
#include "eval/language_metrics.h"

namespace tessera::eval {
namespace {

TEST(LanguageScorer, WeighsBatchesByTheirTokens) {
  LanguageScorer s;
  s.add(2.0, 3, 6);  // 6 nats over 3 tokens standing for 6 bytes
  s.add(1.0, 1, 4);  // 1 nat
  const LanguageScore r = s.result();
  EXPECT_EQ(r.tokens, 4);
  EXPECT_EQ(r.bytes, 10);
  EXPECT_DOUBLE_EQ(r.loss, 7.0 / 4.0);
  EXPECT_DOUBLE_EQ(r.perplexity, std::exp(7.0 / 4.0));
  EXPECT_DOUBLE_EQ(r.bits_per_byte, 7.0 / std::log(2.0) / 10.0);
}

ForecastScores two_systems() {
  ForecastScores s;
  s.systems = {"model", "persistence"};
  FieldScore a{0.5, -0.1, 0.9, 4, 4}, b{};
  b.rmse = b.bias = b.acc = std::numeric_limits<double>::quiet_NaN();
  s.rows = {{"model", "t2m", 6, a}, {"persistence", "t2m", 6, b}};
  return s;
}

TEST(ForecastScores, JsonKeepsEveryRowAndWritesNullForNoValue) {
  const nlohmann::ordered_json j = forecast_scores_json(two_systems());
  ASSERT_EQ(j["scores"].size(), 2u);
  EXPECT_EQ(j["scores"][0]["system"], "model");
  EXPECT_DOUBLE_EQ(j["scores"][0]["rmse"].get<double>(), 0.5);
  EXPECT_EQ(j["scores"][0]["forecasts"], 4);
  EXPECT_TRUE(j["scores"][1]["rmse"].is_null());
}

TEST(ForecastScores, TableHasOneLinePerChannelAndLeadWithEverySystem) {
  const std::string table = format_forecast_scores(two_systems());
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3) << table;  // two header lines, one row
  EXPECT_NE(table.find("persistence"), std::string::npos) << table;
  EXPECT_NE(table.find("0.5000"), std::string::npos) << table;
  EXPECT_NE(table.find("nan"), std::string::npos) << table;
}

}  // namespace
}  // namespace tessera::eval
