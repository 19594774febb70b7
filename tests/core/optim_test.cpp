// AdamW, the learning-rate schedule, gradient clipping and in-process checkpoint round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <hdf5.h>

#include "core/io/checkpoint.h"
#include "core/io/hdf5_handle.h"
#include "core/nn/layers.h"
#include "core/optim/adamw.h"
#include "core/util/error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/small_disk.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

TEST(AdamW, FirstStepMatchesClosedFormAndSkipsDecayOnVectors) {
  nn::Linear layer(2, 2);
  layer.weight.data<float>()[0] = 1.0f;
  layer.bias.data<float>()[0] = 1.0f;
  optim::AdamW opt(layer.named_parameters(), optim::AdamWConfig{0.1, 0.9, 0.999, 1e-8, 0.5});
  layer.weight.set_grad(Tensor::full({2, 2}, 2.0));
  layer.bias.set_grad(Tensor::full({2}, -3.0));
  opt.step(0.1);
  // After one step the bias-corrected moments are g and g^2, so the update is lr * sign(g);
  // weight decay scales the matrix by 1 - lr * wd first and leaves the bias alone.
  EXPECT_NEAR(layer.weight.data<float>()[0], 1.0 * (1 - 0.1 * 0.5) - 0.1, 1e-6);
  EXPECT_NEAR(layer.weight.data<float>()[1], 0.0 - 0.1, 1e-6);
  EXPECT_NEAR(layer.bias.data<float>()[0], 1.0 + 0.1, 1e-6);
  EXPECT_EQ(opt.steps(), 1);
}

TEST(AdamW, SkipsParametersWithoutGradient) {
  nn::Linear layer(2, 2);
  optim::AdamW opt(layer.named_parameters(), {});
  const auto before = layer.weight.to_doubles();
  opt.step(1.0);
  EXPECT_EQ(layer.weight.to_doubles(), before);
}

TEST(LrSchedule, WarmupThenCosine) {
  optim::LrSchedule s{1.0, 10, 110, 0.1};
  EXPECT_NEAR(s.at(0), 0.1, 1e-12);
  EXPECT_NEAR(s.at(9), 1.0, 1e-12);
  EXPECT_NEAR(s.at(10), 1.0, 1e-12);
  EXPECT_NEAR(s.at(60), 0.1 + 0.5 * 0.9, 1e-12);
  EXPECT_NEAR(s.at(110), 0.1, 1e-12);
  EXPECT_NEAR(s.at(500), 0.1, 1e-12);
  EXPECT_NEAR((optim::LrSchedule{0.5, 0, 0, 0}.at(1000)), 0.5, 1e-12);
}

TEST(ClipGradNorm, ScalesToTheLimitAndReportsTheNorm) {
  Tensor a = Tensor::zeros({2}).set_requires_grad(true), b = Tensor::zeros({1}).set_requires_grad(true);
  a.set_grad(Tensor::from_vector<float>({3, 0}, {2}));
  b.set_grad(Tensor::from_vector<float>({4}, {1}));
  EXPECT_NEAR(optim::clip_grad_norm({a, b}, 1.0), 5.0, 1e-6);
  EXPECT_NEAR(a.grad().data<float>()[0], 0.6, 1e-5);
  EXPECT_NEAR(b.grad().data<float>()[0], 0.8, 1e-5);
  EXPECT_NEAR(optim::clip_grad_norm({a, b}, 10.0), 1.0, 1e-5);
  EXPECT_NEAR(a.grad().data<float>()[0], 0.6, 1e-5) << "below the limit nothing changes";
}

class CheckpointIo : public ::testing::Test {
 protected:
  const test_support::ScratchDir dir_;
};

TEST_F(CheckpointIo, RoundTripKeepsTensorsAndMetadata) {
  nn::Linear a(3, 2);
  a.weight.data<float>()[4] = 7.5f;
  a.bias.data<float>()[1] = -1.25f;
  io::CheckpointMeta meta;
  meta.architecture = "test/linear";
  meta.config = R"({"lr": 0.1})";
  meta.step = 42;
  meta.rng.emplace("data", Generator(9, 1234));
  const std::string path = (dir_ / "a.h5").string();
  io::save_checkpoint(path, a.named_parameters(), meta);

  nn::Linear b(3, 2);
  const io::CheckpointMeta read = io::load_checkpoint(path, b.named_parameters());
  EXPECT_EQ(b.weight.to_doubles(), a.weight.to_doubles());
  EXPECT_EQ(b.bias.to_doubles(), a.bias.to_doubles());
  EXPECT_EQ(read.architecture, "test/linear");
  EXPECT_EQ(read.config, meta.config);
  EXPECT_EQ(read.step, 42);
  EXPECT_EQ(read.rng.at("data").seed(), 9u);
  EXPECT_EQ(read.rng.at("data").counter(), 1234u);
  for (const auto& entry : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename(), "a.h5") << "no temporary file may be left behind";
}

TEST_F(CheckpointIo, FailedLoadLeavesTheModelUntouched) {
  nn::Linear a(3, 2);
  const std::string path = (dir_ / "a.h5").string();
  io::save_checkpoint(path, a.named_parameters(), {});
  nn::Linear b(3, 4);
  b.weight.fill_(5.0);
  EXPECT_THROW(io::load_checkpoint(path, b.named_parameters()), CheckpointError);
  for (double v : b.weight.to_doubles()) EXPECT_EQ(v, 5.0);
}

// HDF5 objects (files, groups, datasets, attributes, types, spaces) open in the process. Every
// path of ours, failures included, must close what it opened; the sanitizer pass leaves leaks
// inside HDF5 itself to this count (tests/sanitizers/lsan.supp).
ssize_t open_hdf5_objects() { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

// Any damaged byte in the file's metadata (its first and last few KiB) must end in a
// CheckpointError or a correct load, with no HDF5 object left open: never a crash or an
// out-of-bounds read.
TEST_F(CheckpointIo, CorruptedMetadataNeverCrashes) {
  nn::Linear a(8, 4);
  io::CheckpointMeta meta;
  meta.architecture = "test/linear";
  meta.config = "training:\n  lr: 0.1\n";
  meta.attributes["tokenizer"] = R"({"kind":"byte"})";
  const std::string good = (dir_ / "good.h5").string(), bad = (dir_ / "bad.h5").string();
  io::save_checkpoint(good, a.named_parameters(), meta);
  const std::string bytes = test_support::slurp(good);
  int refused = 0, loaded = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += (pos < 8192 || pos + 4096 > bytes.size()) ? 3 : 97) {
    std::string damaged = bytes;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x5a);
    std::ofstream(bad, std::ios::binary | std::ios::trunc) << damaged;
    nn::Linear b(8, 4);
    try {
      io::list_checkpoint_tensors(bad);
      io::load_checkpoint(bad, b.named_parameters());
      ++loaded;
    } catch (const CheckpointError&) {
      ++refused;
    }
    ASSERT_EQ(open_hdf5_objects(), 0) << "byte " << pos;
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(loaded, 0) << "unused bytes exist; the loop should hit some";
}

// A crafted file claiming a 10^12-element tensor it does not hold: refused when listed, before
// anything allocates its size.
TEST_F(CheckpointIo, ATensorLargerThanTheFileIsRefused) {
  nn::Linear a(3, 2);
  const std::string path = (dir_ / "crafted.h5").string();
  io::save_checkpoint(path, a.named_parameters(), {});
  {
    io::Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    const hsize_t dims[2] = {1000000, 1000000}, chunk[2] = {1000, 1000};
    io::Hdf5Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
    io::Hdf5Handle layout(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(layout.get(), 2, chunk);
    io::Hdf5Handle ds(H5Dcreate2(file.get(), "huge", H5T_NATIVE_FLOAT, space.get(), H5P_DEFAULT, layout.get(), H5P_DEFAULT),
                  H5Dclose);
    ASSERT_TRUE(ds.ok());
    io::Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), 3);
    io::Hdf5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose);
    io::Hdf5Handle attr(H5Acreate2(ds.get(), "dtype", type.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    ASSERT_GE(H5Awrite(attr.get(), type.get(), "f32"), 0);
  }
  try {
    io::list_checkpoint_tensors(path);
    FAIL() << "a tensor of 10^12 elements was listed from a file of " << fs::file_size(path) << " bytes";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'huge' claims shape [1000000,1000000] but the file holds 0 bytes"),
              std::string::npos)
        << e.what();
  }
  nn::Linear b(3, 2);
  EXPECT_THROW(io::load_checkpoint(path, b.named_parameters()), CheckpointError);
}

TEST_F(CheckpointIo, UnwritableDestinationFailsCleanly) {
  nn::Linear a(3, 2);
  const std::string path = (dir_ / "missing-dir" / "a.h5").string();
  EXPECT_THROW(io::save_checkpoint(path, a.named_parameters(), {}), CheckpointError);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(open_hdf5_objects(), 0);
}

// A checkpoint larger than the disk: a CheckpointError, nothing left on the disk, nothing open.
TEST_F(CheckpointIo, AFullDiskFailsCleanlyAndClosesEverything) {
  const test_support::SmallDisk disk((dir_ / "disk").string(), 64);
  if (!disk.mounted()) GTEST_SKIP() << "mounting a small tmpfs needs root";
  nn::Linear a(256, 256);
  EXPECT_THROW(io::save_checkpoint((dir_ / "disk" / "a.h5").string(), a.named_parameters(), {}), CheckpointError);
  EXPECT_TRUE(disk.empty());
  EXPECT_EQ(open_hdf5_objects(), 0);
}

}  // namespace
}  // namespace tessera
