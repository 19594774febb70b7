#pragma once
// A full disk for tests: a tmpfs of a few kilobytes mounted on a fresh folder, unmounted and
// removed when done. Mounting needs root with CAP_SYS_ADMIN; where it is not permitted, mounted()
// is false and the test skips.
#include <string>

namespace tessera::test_support {

class SmallDisk {
 public:
  SmallDisk(const std::string& folder, int kilobytes);
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  bool empty() const;  // nothing was left behind on it

 private:
  std::string folder_;
  bool mounted_ = false;
};

}  // namespace tessera::test_support
