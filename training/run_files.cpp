#include "training/run_files.h"

#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/config/config_compare.h"
#include "core/io/atomic_file.h"
#include "core/util/error.h"

namespace tessera::training {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

MetricsLog::MetricsLog(const fs::path& p) : path_(p.string()), out_(p, std::ios::app) {
  if (!out_) throw InputError(path_, "cannot open metrics log for writing");
}

void MetricsLog::write(const nlohmann::ordered_json& j) {
  errno = 0;
  out_ << j.dump() << std::endl;
  if (!out_) throw InputError(path_, "cannot write the metrics log" + (errno ? ": " + std::string(std::strerror(errno)) : ""));
}

RunFiles::RunFiles(const RunOptions& o, bool root) : dir_(o.run_dir) {
  const fs::path checkpoints = dir_.empty() ? fs::path() : dir_ / "checkpoints";
  checkpoint_ = !o.checkpoint.empty() ? o.checkpoint : dir_.empty() ? "" : (checkpoints / "last.h5").string();
  resume_from_ = o.resume_from.empty() ? checkpoint_ : o.resume_from;
  // A checkpoint named explicitly speaks for itself when it cannot be read.
  if (o.resume && o.resume_from.empty() && !fs::exists(resume_from_))
    throw InputError(resume_from_, "nothing to resume: no checkpoint in this run directory");
  std::error_code ec;
  if (root && !dir_.empty()) fs::create_directories(checkpoints, ec);
  if (ec) throw InputError(o.run_dir, "cannot create run directory: " + ec.message());
  if (root && !dir_.empty()) {
    io::remove_stale_temporaries(dir_.string());
    io::remove_stale_temporaries(checkpoints.string());
  }
  if (!o.resume && !dir_.empty() && fs::exists(checkpoint_))
    throw InputError(o.run_dir, "already holds a run; pass --resume to continue it or choose another --run-dir");
}

void RunFiles::clear_metrics() const {
  if (!dir_.empty()) std::ofstream(dir_ / "metrics.jsonl", std::ios::trunc);
}

void RunFiles::rewind_metrics(int64_t step) const {
  if (dir_.empty()) return;
  const fs::path file = dir_ / "metrics.jsonl";
  std::ifstream in(file);
  std::string kept, line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && (!j.contains("step") || (j["step"].is_number_integer() && j["step"].get<int64_t>() <= step)))
      kept += line + "\n";
  }
  io::write_text_atomically(file.string(), kept);
}

void RunFiles::check_config(const std::string& config) const {
  const fs::path file = dir_ / "config.yaml";
  if (!dir_.empty() && fs::exists(file) && !config::extends_config(read_file(file), config))
    throw ConfigError(file.string(), "the config differs from the one this run started with; resume with the "
                                     "same config and --set values (or start a new --run-dir)");
}

void RunFiles::write_config(const std::string& config) const {
  if (dir_.empty()) return;
  const fs::path file = dir_ / "config.yaml";
  io::write_text_atomically(file.string(), config);
}

std::unique_ptr<MetricsLog> RunFiles::open_metrics() const {
  return dir_.empty() ? nullptr : std::make_unique<MetricsLog>(dir_ / "metrics.jsonl");
}

}  // namespace tessera::training
