#pragma once
// Training progress for people: on a terminal one line redrawn in place (bar, step, loss,
// throughput, ETA); otherwise plain lines, one per update, that read well in a log file.
#include <chrono>
#include <cstdint>
#include <string>

namespace tessera::training {

class Progress {
 public:
  Progress(int64_t first_step, int64_t last_step);
  // `parts`: the loss by part (domain) since the previous line, e.g. "text 1.234 weather 0.056".
  void update(int64_t step, double loss, double tokens_per_s, double lr, const std::string& parts = "");
  // A line that must not be overwritten (evaluation results, checkpoint notes).
  void note(const std::string& line);
  void finish();

 private:
  bool terminal_;
  int64_t first_, last_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

std::string format_duration(double seconds);

}  // namespace tessera::training
