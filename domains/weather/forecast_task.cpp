#include "domains/weather/forecast_task.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/util/error.h"
#include "domains/weather/time_period.h"
#include "modalities/field/field_patch_embedding.h"
#include "modalities/field/latitude_weights.h"

namespace tessera::weather {
namespace {

int64_t minutes(double hours) { return std::llround(hours * 60.0); }

}  // namespace

std::vector<ForecastPair> forecast_pairs(const FieldDataset& data, const std::vector<int64_t>& times,
                                         const std::vector<double>& leads) {
  std::map<int64_t, int64_t> by_time;
  for (int64_t t : times) by_time[minutes(data.time_hours[static_cast<size_t>(t)])] = t;
  std::vector<ForecastPair> pairs;
  for (double lead : leads)
    for (int64_t t : times) {
      auto it = by_time.find(minutes(data.time_hours[static_cast<size_t>(t)] + lead));
      if (it != by_time.end()) pairs.push_back({t, it->second, lead});
    }
  return pairs;
}

Tensor forecast_loss(const Tensor& predicted, const FieldDataset& data, const std::vector<int64_t>& targets,
                     const ChannelNormalization& normalization, const std::vector<double>& latitude_weights) {
  const int64_t B = static_cast<int64_t>(targets.size()), C = data.num_channels(), H = data.lats(), W = data.lons();
  Tensor weights = Tensor::empty({B, C, H, W});
  float* w = weights.data<float>();
  int64_t valid = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x) {
          const bool ok = !std::isnan(data.values[data.index(targets[static_cast<size_t>(b)], c, y, x)]);
          w[((b * C + c) * H + y) * W + x] = ok ? static_cast<float>(latitude_weights[static_cast<size_t>(y)]) : 0.0f;
          valid += ok;
        }
  if (valid == 0) throw DataError("", "every target value of a batch is missing");
  // mse averages over every element; rescale so that it averages over the valid ones.
  return ops::mse(predicted, normalization.normalize(data, targets),
                  ops::scale(weights, static_cast<double>(weights.numel()) / static_cast<double>(valid)));
}

ForecastTask::ForecastTask(config::Section& root) {
  config::Section d = root.section("data");
  files_ = d.texts("files", {});
  if (files_.empty()) d.fail("files", "needs at least one NetCDF file");
  const std::vector<std::string> variables = d.texts("variables", {});
  const TimePeriod train{d.required_text("train_start"), d.required_text("train_end")};
  const TimePeriod test{d.required_text("test_start"), d.required_text("test_end")};
  batch_size_ = d.integer("batch_size", 8, 1, 1 << 16);
  d.finish();

  data_ = read_fields(files_, variables);
  spec_ = read_weather_model_spec(root, TrainedGrid::of(data_));
  const std::string& source = files_.front();
  const std::vector<int64_t> train_times = times_within(data_, train, source), test_times = times_within(data_, test, source);
  if (train_times.empty()) throw DataError(source, "no time in the training period " + train.start + " .. " + train.end);
  if (test_times.empty()) throw DataError(source, "no time in the test period " + test.start + " .. " + test.end);
  normalization_ = ChannelNormalization::fit(data_, train_times, source);
  climatology_ = Climatology::fit(data_, train_times);
  latitude_weights_ = field::latitude_weights(data_.latitude.values);
  train_pairs_ = forecast_pairs(data_, train_times, spec_.lead_hours);
  test_pairs_ = forecast_pairs(data_, test_times, spec_.lead_hours);
  if (train_pairs_.empty() || test_pairs_.empty())
    throw DataError(source, std::string("no two times of the ") + (train_pairs_.empty() ? "training" : "test") +
                                " period are a trained lead (model.lead_hours) apart");
  model_ = std::make_unique<WeatherModel>(spec_.model);
}

Tensor ForecastTask::batch_loss(const std::vector<ForecastPair>& pairs, Generator& g) const {
  std::vector<int64_t> inits, targets;
  std::vector<double> init_hours;
  Tensor leads = Tensor::empty({batch_size_});
  for (int64_t b = 0; b < batch_size_; ++b) {
    const ForecastPair& p = pairs[g.below(pairs.size())];
    inits.push_back(p.init);
    targets.push_back(p.target);
    init_hours.push_back(data_.time_hours[static_cast<size_t>(p.init)]);
    leads.data<float>()[b] = static_cast<float>(p.lead);
  }
  Tensor predicted = model_->forward(normalization_.normalize(data_, inits), leads, field::calendar_features(init_hours));
  return forecast_loss(predicted, data_, targets, normalization_, latitude_weights_);
}

Tensor ForecastTask::train_loss(Generator& data) { return batch_loss(train_pairs_, data); }

double ForecastTask::eval_loss(int64_t batches) {
  Generator g(1234);
  double total = 0;
  for (int64_t i = 0; i < batches; ++i) total += batch_loss(test_pairs_, g).item();
  return total / static_cast<double>(batches);
}

std::map<std::string, Generator*> ForecastTask::model_generators() {
  return {{"dropout", &model_->trunk.dropout_generator()}};
}

std::map<std::string, std::string> ForecastTask::checkpoint_attributes() const {
  return {{"grid", TrainedGrid::of(data_).to_json().dump()},
          {"normalization", normalization_.to_json().dump()},
          {"climatology", climatology_.to_json().dump()}};
}

std::string ForecastTask::describe() const {
  char buf[320];
  const field::PatchGrid& g = spec_.model.field.grid;
  std::snprintf(buf, sizeof buf,
                "%s: %lld channels on %lld x %lld (patches %lld x %lld of %lld), %zu training / %zu test pairs, "
                "%.2fM parameters",
                kArchitecture, static_cast<long long>(data_.num_channels()), static_cast<long long>(data_.lats()),
                static_cast<long long>(data_.lons()), static_cast<long long>(g.rows()), static_cast<long long>(g.cols()),
                static_cast<long long>(g.patch), train_pairs_.size(), test_pairs_.size(),
                static_cast<double>(model_->num_parameters()) / 1e6);
  return buf;
}

}  // namespace tessera::weather
