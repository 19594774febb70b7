// The forecast task on a fixture file: what it stores in the checkpoint brings back a model that
// forecasts exactly as the trained one did; statistics come from the training period only.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "core/autograd/autograd.h"
#include "core/optim/adamw.h"
#include "domains/weather/forecast_task.h"
#include "domains/weather/rollout.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"
#include "training/train_state.h"

namespace tessera::weather {
namespace {

using test_support::GridSpec;

struct Fixture {
  std::unique_ptr<test_support::ScratchDir> scratch;
  std::string dir, input;
  config::ConfigFile config;
};

Fixture tiny_run() {
  auto scratch = std::make_unique<test_support::ScratchDir>();
  const std::string dir = scratch->str();
  GridSpec s;
  s.latitudes = {60, 57, 54, 51, 48};
  s.longitudes = {-6, -4, -2, 0, 2, 4, 6};
  s.times.clear();
  for (int t = 0; t < 72; ++t) s.times.push_back(t);
  test_support::write_grid_file(dir + "/in.nc", s);
  config::ConfigFile cfg = config::ConfigFile::load(TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml",
                                                    {"data.files=[" + dir + "/in.nc]"});
  return {std::move(scratch), dir, dir + "/in.nc", cfg};
}

TEST(ForecastTask, CheckpointRestoresThePredictions) {
  Fixture f = tiny_run();
  config::Section root = f.config.root();
  ForecastTask task(root);
  task.initialize(7);
  optim::AdamW opt(task.model().named_parameters(), {1e-2, 0.9, 0.999, 1e-8, 0.0});
  Generator data(3);
  for (int step = 0; step < 3; ++step) {  // move the output layer off zero
    opt.zero_grad();
    task.train_loss(data).backward();
    opt.step(1e-2);
  }
  const std::string checkpoint = f.dir + "/last.h5";
  training::TrainState state{&task.model(), &opt, task.model_generators(), task.architecture(), f.config.effective_yaml(),
                             task.checkpoint_attributes()};
  training::save_train_state(checkpoint, state);

  const LoadedWeatherModel loaded = load_weather_model(checkpoint);
  const FieldDataset d = read_fields({f.input});
  const std::vector<int64_t> inits = {0, 30, 60};
  const Forecast restored = forecast(*loaded.model, loaded.normalization, loaded.spec.lead_hours, d, inits, {1, 6, 12});
  task.model().set_training(false);
  const Forecast original = forecast(static_cast<WeatherModel&>(task.model()), ChannelNormalization::fit(d, [] {
    std::vector<int64_t> train;
    for (int64_t t = 0; t < 48; ++t) train.push_back(t);
    return train;
  }(), "test"), {1, 6}, d, inits, {1, 6, 12});
  ASSERT_EQ(restored.values.size(), original.values.size());
  double moved = 0;
  for (size_t i = 0; i < original.values.size(); ++i) {
    ASSERT_EQ(restored.values[i], original.values[i]) << i;
    moved = std::max(moved, std::abs(static_cast<double>(original.values[i]) - d.values[i % 35]));
  }
  EXPECT_GT(moved, 1e-3);  // not just persistence
  EXPECT_EQ(loaded.test_period.start, "2019-03-03");
  EXPECT_EQ(loaded.grid.channels, std::vector<std::string>{"t2m"});
}

TEST(ForecastTask, StatisticsComeFromTheTrainingPeriod) {
  Fixture f = tiny_run();
  config::Section root = f.config.root();
  ForecastTask task(root);
  const auto attributes = task.checkpoint_attributes();
  const ChannelNormalization n = ChannelNormalization::from_json(nlohmann::json::parse(attributes.at("normalization")));
  // value(t, y, x) = 270 + t + 0.5 y + 0.25 x over t = 0..47, y = 0..4, x = 0..6
  EXPECT_NEAR(n.mean[0], 270 + 23.5 + 1.0 + 0.75, 1e-4);
  const Climatology c = Climatology::from_json(nlohmann::json::parse(attributes.at("climatology")));
  EXPECT_EQ(c.hours.size(), 24u);
  // 05:00 on days 1 and 2 (t = 5, 29) at (0, 0): 270 + 17
  EXPECT_NEAR(c.values[5 * 35], 287.0, 1e-4);
}

}  // namespace
}  // namespace tessera::weather
