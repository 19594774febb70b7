#include "core/cuda/toolkit_library.h"

#include <dlfcn.h>

#include "core/util/error.h"

namespace tessera::cuda {

ToolkitLibrary::ToolkitLibrary(const char* soname) : soname_(soname) {
  handle_ = dlopen(soname_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_) return;
  const std::string search_path_error = dlerror();
  const std::string fallback = std::string(TESSERA_CUDA_TOOLKIT_LIBRARY_DIR) + "/" + soname_;
  handle_ = dlopen(fallback.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_) return;
  throw Error("the CUDA device needs " + soname_ + " from the CUDA toolkit, which could not be loaded (" +
              search_path_error + "; not in " + TESSERA_CUDA_TOOLKIT_LIBRARY_DIR +
              " either): add the toolkit's lib64 folder to LD_LIBRARY_PATH");
}

void* ToolkitLibrary::address(const char* name) const {
  dlerror();
  void* address = dlsym(handle_, name);
  if (!address)
    throw Error(soname_ + " has no function " + name + ": the CUDA toolkit there is older than the one Tessera was built with");
  return address;
}

}  // namespace tessera::cuda
