#pragma once
// A CUDA toolkit library (cuBLASLt, cuFFT) opened with dlopen the first time a GPU op needs it.
// Linking cuBLASLt made every process map and relocate it at start-up: 210 MB resident and 0.35 s
// for a CPU run that never touches a GPU. Opened here, only CUDA runs pay for it. Never closed:
// the handles and plans made from it live until the process exits.
#include <string>

namespace tessera::cuda {

class ToolkitLibrary {
 public:
  // Opens `soname` (e.g. "libcublasLt.so.13") from the loader's search path, then from the
  // toolkit's lib64 this build was made with; throws an Error saying which library is missing
  // and where it was looked for.
  explicit ToolkitLibrary(const char* soname);
  ToolkitLibrary(const ToolkitLibrary&) = delete;
  ToolkitLibrary& operator=(const ToolkitLibrary&) = delete;

  // The function `name` as a pointer of type F (F = decltype(&the_function)); throws when the
  // library lacks it (a toolkit older than the headers this build used).
  template <class F>
  F function(const char* name) const {
    return reinterpret_cast<F>(address(name));
  }

 private:
  void* address(const char* name) const;

  std::string soname_;
  void* handle_ = nullptr;
};

// The functions of `soname` as a Functions struct (TESSERA_TOOLKIT_FUNCTIONS below), the library
// opened on the first call and kept; a failed open throws and is tried again on the next call.
template <class Functions>
const Functions& toolkit_functions(const char* soname) {
  static const ToolkitLibrary library(soname);
  static const Functions functions(library);
  return functions;
}

}  // namespace tessera::cuda

// The soname as one literal ("libcublasLt.so." TESSERA_STRINGIFY(CUBLAS_VER_MAJOR)), so that
// bench/gpu_bundle.sh can list the libraries a binary opens on demand, which ldd does not show.
#define TESSERA_STRINGIFY_VALUE(x) #x
#define TESSERA_STRINGIFY(x) TESSERA_STRINGIFY_VALUE(x)

// Declares a struct of pointers named after the library's functions, filled from the library, so
// that a call site reads as the plain call did:
//   #define CUFFT_FUNCTIONS(X) X(cufftPlanMany) X(cufftSetStream)
//   TESSERA_TOOLKIT_FUNCTIONS(Cufft, CUFFT_FUNCTIONS);   ->   Cufft(library).cufftPlanMany(...)
#define TESSERA_TOOLKIT_FUNCTION_MEMBER(name) decltype(&::name) name;
#define TESSERA_TOOLKIT_FUNCTION_LOAD(name) name = library.function<decltype(&::name)>(#name);
#define TESSERA_TOOLKIT_FUNCTIONS(Struct, FUNCTIONS)                     \
  struct Struct {                                                        \
    explicit Struct(const ::tessera::cuda::ToolkitLibrary& library) {   \
      FUNCTIONS(TESSERA_TOOLKIT_FUNCTION_LOAD)                           \
    }                                                                    \
    FUNCTIONS(TESSERA_TOOLKIT_FUNCTION_MEMBER)                           \
  }
