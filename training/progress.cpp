#include "training/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace tessera::training {

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

Progress::Progress(int64_t first_step, int64_t last_step)
    : terminal_(::isatty(STDERR_FILENO) == 1), first_(first_step), last_(last_step),
      start_(std::chrono::steady_clock::now()) {}

void Progress::update(int64_t step, double loss, double tokens_per_s, double lr, const std::string& parts) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double done = static_cast<double>(step - first_), todo = static_cast<double>(last_ - step);
  const std::string eta = done > 0 ? format_duration(elapsed / done * todo) : "--:--";
  char line[256];
  const std::string by_part = parts.empty() ? "" : " (" + parts + ")";
  if (terminal_) {
    const int width = 24;
    const int filled = last_ > 0 ? static_cast<int>(width * static_cast<double>(step) / static_cast<double>(last_)) : 0;
    const std::string bar = std::string(filled, '#') + std::string(width - filled, '.');
    std::snprintf(line, sizeof line, "\r[%s] %lld/%lld loss %.4f%s %.0f tok/s lr %.2e ETA %s ", bar.c_str(),
                  static_cast<long long>(step), static_cast<long long>(last_), loss, by_part.c_str(), tokens_per_s, lr,
                  eta.c_str());
    std::cerr << line << std::flush;
    drawn_ = true;
  } else {
    std::snprintf(line, sizeof line, "step %lld/%lld loss %.4f%s %.0f tok/s lr %.2e elapsed %s ETA %s",
                  static_cast<long long>(step), static_cast<long long>(last_), loss, by_part.c_str(), tokens_per_s, lr,
                  format_duration(elapsed).c_str(), eta.c_str());
    std::cerr << line << std::endl;
  }
}

void Progress::note(const std::string& line) {
  if (drawn_) std::cerr << "\n";
  drawn_ = false;
  std::cerr << line << std::endl;
}

void Progress::finish() {
  if (drawn_) std::cerr << std::endl;
  drawn_ = false;
}

}  // namespace tessera::training
