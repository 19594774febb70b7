// The CUDA math libraries (cuBLASLt, cuFFT) are opened on first use, so a CPU run of a
// CUDA-enabled build neither maps them nor pays their 200 MB of start-up residency.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/ops/ops.h"
#include "core/util/error.h"
#ifdef TESSERA_HAVE_CUDA
#include "core/cuda/toolkit_library.h"
#endif

namespace tessera {
namespace {

std::string mapped_files() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str();
}

TEST(ToolkitLibrary, CpuWorkMapsNoCudaMathLibrary) {
  const Tensor a = Tensor::ones({8, 16});
  EXPECT_FLOAT_EQ(ops::matmul(a, a, false, true).data<float>()[0], 16.0f);
  EXPECT_EQ(ops::rfft2(a).size(-2), 9);
  const std::string maps = mapped_files();
  ASSERT_NE(maps.find("libc.so"), std::string::npos) << "cannot read /proc/self/maps";
  EXPECT_EQ(maps.find("libcublas"), std::string::npos) << "cuBLAS is mapped by a process that only ran CPU ops";
  EXPECT_EQ(maps.find("libcufft"), std::string::npos) << "cuFFT is mapped by a process that only ran CPU ops";
}

#ifdef TESSERA_HAVE_CUDA
TEST(ToolkitLibrary, AMissingLibraryIsOneErrorSayingWhereToPutIt) {
  try {
    cuda::ToolkitLibrary library("libtessera-absent.so.1");
    FAIL() << "an absent library opened";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("libtessera-absent.so.1"), std::string::npos) << message;
    EXPECT_NE(message.find("LD_LIBRARY_PATH"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(ToolkitLibrary, FunctionsResolveAndAMissingOneIsNamed) {
  const cuda::ToolkitLibrary libc("libc.so.6");
  EXPECT_EQ(libc.function<int (*)(const char*)>("atoi")("42"), 42);
  try {
    libc.function<void (*)()>("tessera_no_such_function");
    FAIL() << "a missing function resolved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tessera_no_such_function"), std::string::npos) << e.what();
  }
}
#endif

}  // namespace
}  // namespace tessera
