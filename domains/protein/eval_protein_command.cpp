// tessera eval protein --predictions P --references R [--json FILE]: any predicted models (ours or
// another program's) scored against reference structures, without a checkpoint.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/protein/chain_pairing.h"
#include "domains/protein/model_evaluation.h"
#include "domains/protein/protein_commands.h"
#include "domains/protein/structure_reader.h"
#include "domains/protein/structure_scoring.h"

namespace tessera::protein {
namespace {

struct EvalFlags {
  std::string predictions, references, json;
};

using Skipped = std::vector<std::pair<std::string, std::string>>;  // file, reason

nlohmann::ordered_json skipped_json(const Skipped& skipped) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& [file, reason] : skipped) {
    std::cerr << "tessera: skipped " << file << ": " << reason << "\n";
    j.push_back({{"file", file}, {"reason", reason}});
  }
  if (!skipped.empty()) std::cerr << "tessera: " << skipped.size() << " file(s) or chain(s) skipped\n";
  return j;
}

domains::CommandResult evaluate(const EvalFlags& f) {
  if (f.predictions.empty() || f.references.empty())
    throw InputError(f.predictions.empty() ? "--predictions" : "--references",
                     "is required (or score a model: --checkpoint with --input)");
  if (!f.json.empty()) {
    io::check_output_path(f.json, "--json", {f.predictions, f.references});
    io::check_outside_input_folders(f.json, {f.predictions, f.references});
  }
  std::error_code ec;
  const bool by_stem =
      std::filesystem::is_directory(f.predictions, ec) || std::filesystem::is_directory(f.references, ec);
  const StructureSet predictions = read_structures(f.predictions);
  const StructureSet references = read_structures(f.references);
  const ChainPairing pairing = pair_chains(predictions.chains, references.chains, by_stem);
  Skipped skipped = predictions.skipped;
  skipped.insert(skipped.end(), references.skipped.begin(), references.skipped.end());
  // Chains are independent and the TM-score search is quadratic in their length: one per thread.
  const long n = static_cast<long>(pairing.pairs.size());
  std::vector<ChainScore> scored(pairing.pairs.size());
  std::vector<std::exception_ptr> failed(pairing.pairs.size());
#pragma omp parallel for schedule(dynamic)
  for (long k = 0; k < n; ++k) {
    try {
      scored[k] = score_chain(*pairing.pairs[k].predicted, *pairing.pairs[k].reference);
    } catch (...) {
      failed[k] = std::current_exception();
    }
  }
  std::vector<ChainScore> scores;
  for (long k = 0; k < n; ++k) {
    if (!failed[k]) {
      scores.push_back(scored[k]);
      continue;
    }
    try {
      std::rethrow_exception(failed[k]);
    } catch (const DataError& e) {
      // In a batch, one model numbered unlike its reference is reported, not fatal.
      if (!by_stem) throw;
      skipped.emplace_back(e.path(), e.what());
    }
  }
  if (scores.empty()) throw DataError(f.predictions, "no predicted chain could be scored (" + skipped.front().second + ")");

  nlohmann::ordered_json j = {{"predictions", f.predictions}, {"references", f.references}, {"chains", scores.size()}};
  j.update(scores_json(scores));
  j["skipped"] = skipped_json(skipped);
  j["unpredicted_references"] = pairing.unpredicted_references;
  if (!pairing.unpredicted_references.empty())
    std::cerr << "tessera: " << pairing.unpredicted_references.size()
              << " reference chain(s) without a prediction, not scored\n";
  if (!f.json.empty())
    io::write_text_atomically(f.json, j.dump(2) + "\n");
  std::cerr << format_scores_table(scores) << std::flush;
  return j;
}

}  // namespace

domains::DomainCommand eval_protein_command() {
  domains::DomainCommand c;
  c.verb = "eval";
  c.name = "protein";
  c.description =
      "Score predicted protein structures against reference structures: lDDT-C-alpha, TM-score, GDT_TS, GDT_HA, "
      "RMSD, as TMscore computes them (JSON on stdout, table on stderr)";
  c.runs_model = false;
  c.metered = false;
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<EvalFlags>();
    cmd.add_option("--predictions", f->predictions,
                   "Predicted models: a PDB / mmCIF file (.gz too) or a folder of them, named as their references");
    cmd.add_option("--references", f->references, "Reference structures: a file or a folder");
    cmd.add_option("--json", f->json, "Also write the scores as indented JSON to this file")
        ->check(domains::output_file());
    const auto model = add_model_eval_flags(cmd);
    return [f, model](const domains::ModelRun&) {
      if (model->checkpoint.empty()) return evaluate(*f);
      if (!f->predictions.empty() || !f->references.empty())
        throw InputError("--checkpoint", "scores the model on --input; --predictions and --references are for model files");
      return evaluate_model(*model, f->json);
    };
  };
  return c;
}

}  // namespace tessera::protein
