#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/io/output_path.h"
#include "core/util/error.h"

namespace tessera::io {
namespace {

constexpr char kTemporaryMark[] = ".tmp-";

std::string temporary_path(const std::string& path, pid_t pid) { return path + kTemporaryMark + std::to_string(pid); }

// The writer of a temporary named <path>.tmp-<pid>; 0 when the name is not one.
pid_t temporary_writer(const std::string& name) {
  const size_t mark = name.rfind(kTemporaryMark);
  if (mark == std::string::npos) return 0;
  const std::string digits = name.substr(mark + sizeof(kTemporaryMark) - 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  check_replaceable(path);
  const std::string tmp = temporary_path(path, ::getpid());
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

void write_text_atomically(const std::string& path, const std::string& text) {
  write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) throw InputError(path, "cannot write file");
  });
}

bool writer_has_exited(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

int remove_stale_temporaries(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  int removed = 0;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t writer = temporary_writer(it->path().filename().string());
    std::error_code entry;
    if (writer <= 0 || !it->is_regular_file(entry) || !writer_has_exited(writer)) continue;
    if (fs::remove(it->path(), entry)) ++removed;
  }
  return removed;
}

}  // namespace tessera::io
