#include "modalities/field/field_patch_embedding.h"

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/util/error.h"

namespace tessera::field {

Tensor calendar_features(const std::vector<double>& time_hours) {
  Tensor out = Tensor::empty({static_cast<int64_t>(time_hours.size()), kCalendarFeatures});
  float* f = out.data<float>();
  for (double t : time_hours) {
    const double day = 2 * M_PI * std::fmod(t, 24.0) / 24.0;
    const double year = 2 * M_PI * std::fmod(t / 24.0, 365.2425) / 365.2425;
    *f++ = static_cast<float>(std::sin(day));
    *f++ = static_cast<float>(std::cos(day));
    *f++ = static_cast<float>(std::sin(year));
    *f++ = static_cast<float>(std::cos(year));
  }
  return out;
}

Tensor sincos_position_table(int64_t rows, int64_t cols, int64_t dim) {
  Tensor table = Tensor::zeros({rows * cols, dim});
  float* t = table.data<float>();
  const int64_t quarter = dim / 4;  // sin and cos for row and for column
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      for (int64_t i = 0; i < quarter; ++i) {
        const double freq = 1.0 / std::pow(10000.0, static_cast<double>(i) / static_cast<double>(std::max<int64_t>(1, quarter)));
        float* row = t + (r * cols + c) * dim;
        row[i] = static_cast<float>(std::sin(static_cast<double>(r) * freq));
        row[quarter + i] = static_cast<float>(std::cos(static_cast<double>(r) * freq));
        row[2 * quarter + i] = static_cast<float>(std::sin(static_cast<double>(c) * freq));
        row[3 * quarter + i] = static_cast<float>(std::cos(static_cast<double>(c) * freq));
      }
  return table;
}

FieldPatchEmbedding::FieldPatchEmbedding(const FieldEmbeddingConfig& c)
    : aggregation_kv(c.d_model, 2 * c.d_model), aggregation_proj(c.d_model, c.d_model), lead_time_embedding(1, c.d_model),
      calendar_embedding(kCalendarFeatures, c.d_model), config_(c) {
  if (c.channels <= 0 || c.grid.patch <= 0 || c.grid.lats <= 0 || c.grid.lons <= 0)
    throw ConfigError("", "field embedding: channels, grid and patch size must be positive");
  if (c.n_head <= 0 || c.d_model % c.n_head != 0)
    throw ConfigError("", "d_model " + std::to_string(c.d_model) + " is not divisible by n_head " + std::to_string(c.n_head));
  const int64_t C = c.channels, D = c.d_model, pp = c.grid.patch * c.grid.patch;
  patch_weight = register_parameter("patch_weight", Tensor::zeros({C, pp, D}));
  patch_bias = register_parameter("patch_bias", Tensor::zeros({C, 1, D}));
  variable_embedding = register_parameter("variable_embedding", Tensor::zeros({C, 1, D}));
  aggregation_query = register_parameter("aggregation_query", Tensor::zeros({1, 1, D}));
  register_module("aggregation_kv", aggregation_kv);
  register_module("aggregation_proj", aggregation_proj);
  position_embedding = register_parameter("position_embedding", Tensor::zeros({c.grid.patches(), D}));
  register_module("lead_time_embedding", lead_time_embedding);
  register_module("calendar_embedding", calendar_embedding);
  reset_position_embedding();
}

void FieldPatchEmbedding::reset_position_embedding() {
  autograd::NoGradScope no_grad;
  position_embedding.copy_(sincos_position_table(config_.grid.rows(), config_.grid.cols(), config_.d_model));
}

// variable_tokens [C, B * L, D] -> [B, L, D]: one query per patch attends over its C channels.
Tensor FieldPatchEmbedding::aggregate(const Tensor& variable_tokens, int64_t batch) const {
  const int64_t C = config_.channels, D = config_.d_model, H = config_.n_head, N = variable_tokens.size(1);
  Tensor x = ops::contiguous(ops::transpose(variable_tokens, 0, 1));  // [N, C, D]
  Tensor kv = ops::reshape(aggregation_kv.forward(x), {N, C, 2 * H, D / H});
  Tensor q = ops::reshape(ops::add(Tensor::zeros({N, 1, D}), aggregation_query), {N, 1, H, D / H});
  Tensor y = ops::attention(q, ops::slice(kv, 2, 0, H), ops::slice(kv, 2, H, 2 * H));
  return aggregation_proj.forward(ops::reshape(y, {batch, config_.grid.patches(), D}));
}

nn::Tokens FieldPatchEmbedding::forward(const Tensor& fields, const Tensor& lead_hours, const Tensor& calendar) const {
  const int64_t B = fields.size(0), D = config_.d_model;
  TESSERA_CHECK(fields.dim() == 4 && fields.size(1) == config_.channels,
                "field embedding: fields must be [B, " + std::to_string(config_.channels) + ", lats, lons], got " +
                    shape_str(fields.shape()));
  TESSERA_CHECK(lead_hours.shape() == Shape{B} && calendar.shape() == (Shape{B, kCalendarFeatures}),
                "field embedding: lead_hours must be [B] and calendar [B, 4]");
  Tensor per_variable = ops::add(ops::add(ops::matmul(patchify(fields, config_.grid), patch_weight), patch_bias),
                                 variable_embedding);  // [C, B * L, D]
  Tensor x = ops::add(aggregate(per_variable, B), position_embedding);
  Tensor lead_days = ops::reshape(ops::scale(lead_hours, 1.0 / 24.0), {B, 1});
  Tensor time = ops::add(lead_time_embedding.forward(lead_days), calendar_embedding.forward(calendar));
  nn::Tokens tokens;
  tokens.embeddings = ops::add(x, ops::reshape(time, {B, 1, D}));
  return tokens;
}

}  // namespace tessera::field
