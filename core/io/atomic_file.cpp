#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

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

// The temporaries being written now, so that Ctrl-C or a scheduler's SIGTERM removes them before
// the process ends: slots of fixed storage, because a signal handler may only call unlink and
// read memory that is never reallocated.
constexpr int kSlots = 64;
constexpr size_t kPathBytes = 4096;
char active_paths[kSlots][kPathBytes];
std::atomic<bool> active[kSlots];

extern "C" void remove_temporaries_and_reraise(int signal) {
  for (int i = 0; i < kSlots; ++i)
    if (active[i].load()) ::unlink(active_paths[i]);
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// Only where the signal still has its default action: a handler someone else installed (MPI's,
// an embedding program's) is left alone.
void remove_temporaries_on_interruption() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      if (::sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction cleanup {};
      cleanup.sa_handler = remove_temporaries_and_reraise;
      sigemptyset(&cleanup.sa_mask);
      ::sigaction(signal, &cleanup, nullptr);
    }
  });
}

// Holds a slot for `tmp` while it is written; -1 when the path is too long or every slot is taken
// (the temporary is then left to remove_stale_temporaries, as after kill -9).
class ActiveTemporary {
 public:
  explicit ActiveTemporary(const std::string& tmp) {
    remove_temporaries_on_interruption();
    static std::mutex claiming;
    std::lock_guard<std::mutex> lock(claiming);
    if (tmp.size() >= kPathBytes) return;
    for (int i = 0; i < kSlots; ++i)
      if (!active[i].load()) {
        std::memcpy(active_paths[i], tmp.c_str(), tmp.size() + 1);
        active[i].store(true);
        slot_ = i;
        return;
      }
  }
  ~ActiveTemporary() {
    if (slot_ >= 0) active[slot_].store(false);
  }
  ActiveTemporary(const ActiveTemporary&) = delete;
  ActiveTemporary& operator=(const ActiveTemporary&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  check_replaceable(path);
  const std::string tmp = temporary_path(path, ::getpid());
  const ActiveTemporary active_temporary(tmp);
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
