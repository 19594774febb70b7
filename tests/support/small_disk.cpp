#include "tests/support/small_disk.h"

#include <filesystem>

#include "tests/support/command.h"

namespace tessera::test_support {

namespace fs = std::filesystem;

SmallDisk::SmallDisk(const std::string& folder, int kilobytes) : folder_(folder) {
  fs::create_directories(folder_);
  mounted_ = run_shell("mount -t tmpfs -o size=" + std::to_string(kilobytes) + "k tmpfs " + folder_).exit_code == 0;
}

SmallDisk::~SmallDisk() {
  // Lazily when busy: HDF5 keeps the descriptor of a checkpoint whose close failed on the full
  // disk (docs/hardening.md), which made a plain umount fail and left the mount behind.
  if (mounted_ && run_shell("umount " + folder_).exit_code != 0) run_shell("umount -l " + folder_);
  std::error_code ec;
  fs::remove_all(folder_, ec);
}

bool SmallDisk::empty() const { return fs::is_empty(folder_); }

}  // namespace tessera::test_support
