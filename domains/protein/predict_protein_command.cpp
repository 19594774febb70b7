#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/protein/model_pdb.h"
#include "domains/protein/prediction_inputs.h"
#include "domains/protein/protein_commands.h"
#include "domains/protein/protein_model_spec.h"
#include "domains/protein/training_chains.h"

namespace tessera::protein {
namespace {
namespace fs = std::filesystem;

struct PredictFlags {
  std::string input;
  std::string output_dir;
};

// Every file is written into a fresh hidden folder beside or inside the output folder and moved
// into place only when every chain has been predicted, so a failed run leaves nothing behind. The
// folder is named after its process, so a later run removes what a killed one left.
class StagedOutput {
 public:
  explicit StagedOutput(const std::string& dir) : dir_(dir), existed_(fs::exists(dir)) {
    const std::string prefix = existed_ ? (fs::path(dir) / ".tessera-predict-").string()
                                        : fs::path(dir).lexically_normal().string() + ".tessera-predict-";
    remove_stale_stagings(prefix);
    std::string pattern = prefix + std::to_string(::getpid()) + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw InputError(dir, "cannot create a temporary folder for the outputs");
    staging_ = pattern;
    // mkdtemp makes the folder private; an output folder gets the permissions mkdir would give it.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    fs::permissions(staging_, static_cast<fs::perms>(0777 & ~mask));
  }
  ~StagedOutput() {
    std::error_code ec;
    if (!staging_.empty()) fs::remove_all(staging_, ec);
  }
  std::string path(const std::string& file) const { return (fs::path(staging_) / file).string(); }
  void commit(const std::vector<std::string>& files) {
    std::error_code ec;
    if (!existed_) {
      fs::rename(staging_, dir_, ec);
      if (ec) throw InputError(dir_, "cannot move the outputs into place: " + ec.message());
      staging_.clear();
      return;
    }
    for (const std::string& f : files) {
      fs::rename(fs::path(staging_) / f, fs::path(dir_) / f, ec);
      if (ec) throw InputError((fs::path(dir_) / f).string(), "cannot move the output into place: " + ec.message());
    }
  }

 private:
  // Folders <prefix><pid>-XXXXXX of processes that no longer exist.
  static void remove_stale_stagings(const std::string& prefix) {
    const fs::path folder = fs::path(prefix).parent_path();
    const std::string start = fs::path(prefix).filename().string();
    std::error_code ec;
    for (fs::directory_iterator it(folder.empty() ? "." : folder, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind(start, 0) != 0) continue;
      const std::string rest = name.substr(start.size());
      const size_t dash = rest.find('-');
      if (dash == 0 || dash == std::string::npos || dash > 9 || rest.find_first_not_of("0123456789") < dash) continue;
      std::error_code removing;
      if (io::writer_has_exited(static_cast<pid_t>(std::stol(rest.substr(0, dash))))) fs::remove_all(it->path(), removing);
    }
  }

  std::string dir_, staging_;
  bool existed_;
};

// "out/" names the folder "out": kept, the slash made a new folder's parent "out" itself.
std::string without_trailing_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

domains::CommandResult predict(const PredictFlags& flags, const domains::ModelRun& run) {
  PredictFlags f = flags;
  f.output_dir = without_trailing_slashes(f.output_dir);
  const std::vector<std::string> inputs = {f.input, run.checkpoint};
  io::check_output_folder(f.output_dir, "--output-dir", inputs);
  io::check_outside_input_folders(f.output_dir, {f.input});
  const LoadedProteinModel m = load_protein_model(run.checkpoint, run.device);
  const PredictionInputs in = read_prediction_inputs(f.input);
  report_skipped(in.skipped);

  std::vector<std::string> names, files;
  std::set<std::string> seen;
  for (const NamedSequence& s : in.sequences) {
    const std::string name = file_safe_name(s.name);
    if (!seen.insert(name).second) throw InputError(f.input, "two chains or records are named '" + name + "'");
    names.push_back(name);
    for (const char* ext : {".pdb", ".h5"}) {
      files.push_back(name + ext);
      const std::string path = (fs::path(f.output_dir) / files.back()).string();
      // In a new folder only the name can be wrong; it must be before any chain is predicted.
      if (fs::exists(f.output_dir)) io::check_output_path(path, "--output-dir", inputs);
      else io::check_replaceable(path);
    }
  }

  StagedOutput out(f.output_dir);
  int64_t residues = 0;
  for (size_t i = 0; i < in.sequences.size(); ++i) {
    const ChainPrediction p = predict_structure(*m.model, m.baseline, in.sequences[i].name, in.sequences[i].sequence);
    write_model_pdb(out.path(names[i] + ".pdb"), p);
    write_prediction_h5(out.path(names[i] + ".h5"), p);
    residues += p.length;
  }
  out.commit(files);
  return {{"output_dir", f.output_dir}, {"chains", in.sequences.size()}, {"residues", residues},
          {"skipped", in.skipped.size()}};
}

}  // namespace

domains::DomainCommand predict_protein_command() {
  domains::DomainCommand c;
  c.verb = "predict";
  c.name = "protein";
  c.description = "Distograms, contacts, pLDDT and a C-alpha model for every chain of a PDB/mmCIF/FASTA/HDF5 input";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<PredictFlags>();
    cmd.add_option("--input", f->input,
                   "Structure file or folder (.pdb, .cif, plain or .gz), FASTA (.fasta/.fa) or HDF5 (.h5: sequences + ids)")
        ->required();
    cmd.add_option("--output-dir", f->output_dir, "Folder for <name>.pdb and <name>.h5 per chain (created if absent)")
        ->required()
        ->check(domains::output_file());
    return [f](const domains::ModelRun& run) { return predict(*f, run); };
  };
  return c;
}

}  // namespace tessera::protein
