// Golden test against PyTorch, as llm.c does: the GPT-2 of tests/reference/make_gpt_fixture.py,
// started from the same weights on the same batch, must give the same logits, loss, parameter
// gradients and AdamW trajectory. Regenerate the fixture with that script.
//
// Criteria (both sides compute in float32, so only rounding-order differences are expected; the
// observed errors are below 1e-6). They are ten times tighter than the 1e-4 / 1e-3 the project
// asks for, because at those looser bounds an erf-GELU model still passed against tanh-GELU:
//   logits      max |diff| <= 1e-5 * max |torch logit|   (relative to the tensor's scale, since
//                                                       individual logits cross zero)
//   loss        |diff| <= 1e-5 * |torch loss|
//   gradients   per parameter, max |diff| <= 1e-5 * max |torch grad| of that parameter
//   AdamW       each of the 10 losses, |diff| <= 1e-5 * |torch loss|
// gpt_golden_cuda_test (compiled with TESSERA_GOLDEN_ON_CUDA) runs the same checks, with the same
// bounds, on CUDA device 0 in fp32: the GEMMs run without TF32, so only summation order differs.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/io/checkpoint.h"
#include "core/optim/adamw.h"
#include "domains/text/language_model.h"

namespace tessera {
namespace {

// The environment's TESSERA_SOURCE_DIR wins over the compiled-in one: the GPU bundle
// (bench/gpu_bundle.sh) runs this test on another machine, with the fixture beside it.
std::string golden_dir() {
  const char* source_dir = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(source_dir ? source_dir : TESSERA_SOURCE_DIR) + "/tests/golden";
}
const std::string kFixture = golden_dir() + "/gpt_fixture.h5";
const std::string kWeights = golden_dir() + "/gpt_fixture_weights.h5";

// One dataset of the fixture, converted by HDF5 to the requested memory type.
template <class T>
struct Array {
  Shape shape;
  std::vector<T> values;
};

template <class T>
Array<T> read_array(const std::string& path, const std::string& name) {
  const hid_t mem_type = std::is_same<T, int64_t>::value ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw std::runtime_error("cannot open " + path);
  const hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    H5Fclose(file);
    throw std::runtime_error(path + ": no dataset '" + name + "'");
  }
  const hid_t space = H5Dget_space(ds);
  std::vector<hsize_t> dims(std::max(0, H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  Array<T> out;
  out.shape.assign(dims.begin(), dims.end());
  out.values.resize(static_cast<size_t>(shape_numel(out.shape)));
  const herr_t status = H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data());
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(file);
  if (status < 0) throw std::runtime_error(path + ": cannot read dataset '" + name + "'");
  return out;
}

// max |actual - expected| / max |expected|: the error on the tensor's own scale.
double scaled_error(const std::vector<double>& actual, const std::vector<double>& expected) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    diff = std::max(diff, std::abs(actual[i] - expected[i]));
    scale = std::max(scale, std::abs(expected[i]));
  }
  return diff / scale;
}

#if TESSERA_GOLDEN_ON_CUDA
const Device kDevice = Device::cuda(0);
#else
const Device kDevice = Device::cpu();
#endif

class GptGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kDevice.is_cpu() && !cuda::available()) GTEST_SKIP() << "no CUDA device";
    // The fixture is committed: a missing file is a broken checkout, not a reason to skip.
    ASSERT_TRUE(std::filesystem::exists(kFixture)) << "missing golden fixture " << kFixture;
    ASSERT_TRUE(std::filesystem::exists(kWeights)) << "missing golden weights " << kWeights;
    io::load_checkpoint(kWeights, model.named_parameters());
    model.to(kDevice);
    const auto x = read_array<int64_t>(kFixture, "x");
    const auto y = read_array<int64_t>(kFixture, "y");
    ASSERT_EQ(x.shape, (Shape{2, 16}));
    ASSERT_EQ(y.shape, x.shape);
    tokens = model.place(Tensor::from_vector(x.values, x.shape));
    targets = model.place(Tensor::from_vector(y.values, y.shape));
  }

  static text::LanguageModelConfig config() {
    text::LanguageModelConfig c;
    c.vocab_size = 64;
    c.context = 16;
    c.trunk.d_model = 32;
    c.trunk.n_layer = 2;
    c.trunk.n_head = 4;
    c.trunk.position = nn::PositionKind::learned;
    c.trunk.norm = nn::NormKind::layernorm;
    c.trunk.activation = ops::Activation::gelu_tanh;
    return c;
  }

  text::LanguageModel model{config()};
  Tensor tokens, targets;
};

TEST_F(GptGolden, LogitsAndLossMatchTorch) {
  autograd::NoGradScope no_grad;
  const auto expected = read_array<double>(kFixture, "logits");
  const Tensor logits = model.logits(tokens);
  ASSERT_EQ(logits.shape(), expected.shape);
  const double logits_error = scaled_error(logits.to_doubles(), expected.values);
  std::printf("logits: max |diff| / max |logit| = %.3g\n", logits_error);
  EXPECT_LE(logits_error, 1e-5);

  const double expected_loss = read_array<double>(kFixture, "loss").values.at(0);
  const double loss = model.loss(tokens, targets).item();
  const double loss_error = std::abs(loss - expected_loss) / std::abs(expected_loss);
  std::printf("loss: %.7f vs torch %.7f, relative error %.3g\n", loss, expected_loss, loss_error);
  EXPECT_LE(loss_error, 1e-5);
}

TEST_F(GptGolden, GradientsMatchTorch) {
  model.loss(tokens, targets).backward();
  double worst = 0;
  std::string worst_name;
  for (const auto& [name, p] : model.named_parameters()) {
    SCOPED_TRACE(name);
    const auto expected = read_array<double>(kFixture, "grads/" + name);
    ASSERT_TRUE(p.grad().defined()) << "no gradient";
    ASSERT_EQ(p.grad().shape(), expected.shape);
    const double error = scaled_error(p.grad().to_doubles(), expected.values);
    EXPECT_LE(error, 1e-5);
    if (error >= worst) {
      worst = error;
      worst_name = name;
    }
  }
  std::printf("grads: worst max |diff| / max |grad| = %.3g (%s)\n", worst, worst_name.c_str());
}

TEST_F(GptGolden, AdamWLossesMatchTorch) {
  const auto expected = read_array<double>(kFixture, "losses_adamw");
  optim::AdamW opt(model.named_parameters(), optim::AdamWConfig{1e-3, 0.9, 0.999, 1e-8, 0.1});
  double worst = 0;
  for (size_t step = 0; step < expected.values.size(); ++step) {
    opt.zero_grad();
    Tensor loss = model.loss(tokens, targets);
    loss.backward();
    opt.step(1e-3);
    const double error = std::abs(loss.item() - expected.values[step]) / std::abs(expected.values[step]);
    EXPECT_LE(error, 1e-5) << "step " << step << ": " << loss.item() << " vs torch " << expected.values[step];
    worst = std::max(worst, error);
  }
  std::printf("adamw: %zu losses, worst relative error %.3g\n", expected.values.size(), worst);
}

}  // namespace
}  // namespace tessera
