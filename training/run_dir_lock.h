#pragma once
// A run directory belongs to one run at a time: two runs writing into it would mix their
// configs, checkpoints and metrics, and a later --resume would continue the wrong weights. The
// lock is an advisory flock on <run_dir>/.lock, held for the life of this object and released by
// the kernel even when the process is killed, so a crashed run never leaves a stale lock. A run
// that ends before writing anything (a config or data error) takes away the lock file and the
// directory it created, so a refused run leaves the disk as it found it.
#include <string>

namespace tessera::training {

class RunDirLock {
 public:
  // Creates the run directory if needed and takes its lock; InputError naming the directory (and
  // the holder's process id) when another run holds it, or when the path is not a directory.
  explicit RunDirLock(const std::string& run_dir);
  ~RunDirLock();
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

 private:
  int fd_ = -1;
  std::string run_dir_;
  bool created_dir_ = false, created_lock_ = false;
};

}  // namespace tessera::training
