#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/io/output_path.h"
#include "core/util/error.h"

namespace tessera::io {

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  check_replaceable(path);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw InputError(path, "cannot rename temporary file into place");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

}  // namespace tessera::io
