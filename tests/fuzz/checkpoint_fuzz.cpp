// An HDF5 checkpoint: its metadata, its tensor listing, every tensor loaded (names, shapes,
// dtypes and checksums checked) and its file checksum.
#include "core/io/checkpoint.h"
#include "core/tensor/tensor.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

using tessera::io::StoredTensor;

// The listing's shapes come from the file; a model is built from its config instead, so a
// listing that asks for more than a small model is not loaded (that would only test the allocator).
bool small_enough(const std::vector<StoredTensor>& listing) {
  constexpr int64_t kMaxElements = int64_t(1) << 22;
  int64_t total = 0;
  for (const StoredTensor& t : listing) {
    int64_t n = 1;
    for (int64_t d : t.shape) {
      if (d < 0 || d > kMaxElements) return false;
      n *= d;
      if (n > kMaxElements) return false;
    }
    total += n;
    if (total > kMaxElements) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".h5");
  tessera::fuzz::expect_input_error([&] {
    tessera::io::read_checkpoint_meta(path);
    const std::vector<StoredTensor> listing = tessera::io::list_checkpoint_tensors(path);
    if (small_enough(listing)) {
      tessera::nn::NamedTensors tensors;
      for (const StoredTensor& t : listing) tensors.emplace_back(t.name, tessera::Tensor::zeros(t.shape, t.dtype));
      tessera::io::load_checkpoint(path, tensors);
    }
    tessera::io::checkpoint_checksum(path);
  });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  io::CheckpointMeta meta;
  meta.architecture = "text/language_model";
  meta.config = "task: text/language_model\nmodel: {d_model: 4}\n";
  meta.step = 12;
  meta.rng = {{"data", Generator(7, 3)}, {"dropout", Generator(1, 0)}};
  meta.attributes = {{"tokenizer", "{\"kind\": \"byte\"}"}};
  const nn::NamedTensors tensors = {
      {"trunk/embed/weight", Tensor::full({3, 4}, 0.25)},
      {"trunk/blocks/0/norm/bias", Tensor::zeros({4}, DType::f64)},
      {"head/weight", Tensor::full({2, 2}, 1.5, DType::bf16)},
      {"optimizer/step", Tensor::full({1}, 12, DType::i64)},
  };
  const std::string one = scratch_path("seed-one.h5"), none = scratch_path("seed-none.h5");
  io::save_checkpoint(one, tensors, meta);
  io::save_checkpoint(none, {}, io::CheckpointMeta{});
  return {file_bytes(one), file_bytes(none)};
}

}  // namespace tessera::fuzz
