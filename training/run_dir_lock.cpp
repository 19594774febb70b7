#include "training/run_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/util/error.h"

namespace tessera::training {
namespace fs = std::filesystem;
namespace {

bool holds_only_the_lock(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename() != ".lock") return false;
  return !ec;
}

}  // namespace

RunDirLock::RunDirLock(const std::string& run_dir) {
  std::error_code ec;
  if (fs::exists(run_dir, ec) && !fs::is_directory(run_dir, ec))
    throw InputError(run_dir, "is not a directory; --run-dir names the folder a run writes into");
  run_dir_ = run_dir;
  created_dir_ = fs::create_directories(run_dir, ec);
  if (ec) throw InputError(run_dir, "cannot create the run directory: " + ec.message());
  const std::string path = (fs::path(run_dir) / ".lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  created_lock_ = fd_ >= 0;
  if (fd_ < 0 && errno == EEXIST) fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd_ < 0) throw InputError(run_dir, std::string("cannot open its lock file: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    const std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : std::string("unknown");
    throw InputError(run_dir, "is in use by another run (pid " + pid +
                                  "); wait for it to finish or choose another --run-dir");
  }
  const std::string pid = std::to_string(::getpid());
  // The note only names the holder in another run's message; the lock holds without it.
  const bool noted = ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)noted;
}

RunDirLock::~RunDirLock() {
  if (fd_ < 0) return;
  // Unlinked while still held, so no other run can take the lock in between.
  if (created_lock_ && holds_only_the_lock(run_dir_)) {
    std::error_code ec;
    fs::remove(fs::path(run_dir_) / ".lock", ec);
    if (created_dir_) fs::remove(run_dir_, ec);
  }
  ::close(fd_);
}

}  // namespace tessera::training
