#pragma once
// A fresh folder for a test's files, removed with everything in it when the object goes. The
// name says which test made it and mkdtemp makes it unique, so tests that CTest runs in
// parallel (one process each) never share a folder, and a failed run leaves nothing behind.
#include <filesystem>
#include <string>

namespace tessera::test_support {

class ScratchDir {
 public:
  // Named after the running test, or after the test suite inside SetUpTestSuite.
  ScratchDir();
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& entry) const { return path_ / entry; }

 private:
  std::filesystem::path path_;
};

}  // namespace tessera::test_support
