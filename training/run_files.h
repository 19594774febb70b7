#pragma once
// What a run keeps in its run directory: config.yaml (the effective config), metrics.jsonl (one
// JSON object per logged step) and checkpoints/last.h5.
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
  void write(const nlohmann::ordered_json& j) { out_ << j.dump() << std::endl; }

 private:
  std::ofstream out_;
};

class RunFiles {
 public:
  // Refuses to start a fresh run over a checkpoint or to resume without one;
  // rank 0 (`root`) creates the folders.
  RunFiles(const RunOptions& options, bool root);

  const std::string& checkpoint() const { return checkpoint_; }
  // A fresh run starts its metrics.jsonl empty.
  void clear_metrics() const;
  // Throws ConfigError when a resumed run's config is not the one the run started with.
  void check_config(const std::string& config) const;
  void write_config(const std::string& config) const;
  std::unique_ptr<MetricsLog> open_metrics() const;

 private:
  std::filesystem::path dir_;
  std::string checkpoint_;
};

}  // namespace tessera::training
