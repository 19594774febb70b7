#pragma once
// What a run keeps on disk: in its run directory config.yaml (the effective config) and
// metrics.jsonl (one JSON object per logged step), and its checkpoint, by default
// <run_dir>/checkpoints/last.h5. A run without a directory keeps only the checkpoint it is
// given, if any, so a benchmark can drive the trainer without leaving files behind.
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "training/trainer.h"

namespace tessera::training {

// Appends one JSON object per line; flushed at once so a killed run keeps its metrics.
class MetricsLog {
 public:
  explicit MetricsLog(const std::filesystem::path& p);
  // Throws when the line cannot be written (a full disk): a run never loses its log silently.
  void write(const nlohmann::ordered_json& j);

 private:
  std::string path_;
  std::ofstream out_;
};

class RunFiles {
 public:
  // Refuses to start a fresh run over a run directory's checkpoint or to resume without one;
  // rank 0 (`root`) creates the folders and removes temporaries a killed run left there.
  RunFiles(const RunOptions& options, bool root);

  const std::string& checkpoint() const { return checkpoint_; }  // empty: none is written
  const std::string& resume_from() const { return resume_from_; }
  // A fresh run starts its metrics.jsonl empty.
  void clear_metrics() const;
  // A resumed run continues from its checkpoint's `step`: the log lines a killed run wrote after
  // that checkpoint are dropped (they are trained again), as is a line cut short by the kill.
  void rewind_metrics(int64_t step) const;
  // Throws ConfigError when a resumed run's config is not the one the run started with.
  void check_config(const std::string& config) const;
  void write_config(const std::string& config) const;
  // Null for a run without a directory.
  std::unique_ptr<MetricsLog> open_metrics() const;

 private:
  std::filesystem::path dir_;
  std::string checkpoint_, resume_from_;
};

}  // namespace tessera::training
