#pragma once
// Training a weather model on CF NetCDF fields: a train and a test period given as dates; samples
// are (initial time, lead) pairs whose target time is in the same period; the loss is the
// latitude-weighted MSE of the normalized fields, NaN points left out.
#include <memory>
#include <string>
#include <vector>

#include "core/task/task.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/field_statistics.h"
#include "domains/weather/weather_model_spec.h"

namespace tessera::weather {

// (initial, target) time indices `lead` hours apart.
struct ForecastPair {
  int64_t init, target;
  double lead;
};

// Every pair with both times among `times` and the target exactly one of `leads` after the initial time.
std::vector<ForecastPair> forecast_pairs(const FieldDataset& data, const std::vector<int64_t>& times,
                                         const std::vector<double>& leads);

// Latitude-weighted MSE of normalized predictions against the normalized fields at the target
// times; NaN targets do not count and the remaining weights average to the latitude weights.
Tensor forecast_loss(const Tensor& predicted, const FieldDataset& data, const std::vector<int64_t>& targets,
                     const ChannelNormalization& normalization, const std::vector<double>& latitude_weights);

class ForecastTask : public Task {
 public:
  explicit ForecastTask(config::Section& root);

  std::string architecture() const override { return kArchitecture; }
  nn::Module& model() override { return *model_; }
  nn::Trunk& trunk() override { return model_->trunk; }
  void initialize(uint64_t seed) override { model_->initialize(seed); }
  Tensor train_loss(Generator& data) override;
  double eval_loss(int64_t batches) override;
  int64_t items_per_batch() const override { return batch_size_; }
  std::map<std::string, Generator*> model_generators() override;
  std::map<std::string, std::string> checkpoint_attributes() const override;
  std::string describe() const override;

 private:
  Tensor batch_loss(const std::vector<ForecastPair>& pairs, Generator& g) const;

  std::vector<std::string> files_;
  int64_t batch_size_ = 0;
  FieldDataset data_;
  WeatherModelSpec spec_;
  ChannelNormalization normalization_;
  Climatology climatology_;
  std::vector<double> latitude_weights_;
  std::vector<ForecastPair> train_pairs_, test_pairs_;
  std::unique_ptr<WeatherModel> model_;
};

}  // namespace tessera::weather
