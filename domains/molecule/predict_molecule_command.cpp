// tessera predict molecule: streams the input in chunks (read, prepare, predict, write), so memory
// does not grow with the library; rows keep the input's order and ids, and a row that cannot be
// used gets empty predictions and its reason in the `error` column.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <memory>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/molecule/molecule_commands.h"
#include "domains/molecule/molecule_model_spec.h"
#include "domains/molecule/prediction_writer.h"
#include "domains/molecule/property_batches.h"

namespace tessera::molecule {
namespace {

struct PredictFlags {
  std::string input, output, smiles_column, id_column;
  int64_t batch_size = 32;
  int64_t chunk = 4096;
};

// "csv" or "h5", from the output's name; refused before any work when it is neither.
std::string output_format(const std::string& output) {
  std::string format;
  try {
    format = resolve_format(output, "auto");
  } catch (const DataError&) {
    format.clear();
  }
  if (format != "csv" && format != "h5")
    throw InputError(output, "predictions are written as CSV or HDF5; give --output a .csv or .h5 name");
  return format;
}

domains::CommandResult predict(const PredictFlags& f, const domains::ModelRun& run) {
  io::check_output_path(f.output, "--output", {f.input, run.checkpoint});
  const std::string format = output_format(f.output);
  const LoadedMoleculeModel m = load_molecule_model(run.checkpoint, run.device);
  TableLayout layout = m.data.layout;
  layout.format = "auto";
  if (!f.smiles_column.empty()) layout.smiles_column = f.smiles_column;
  layout.id_required = !f.id_column.empty();
  if (!f.id_column.empty()) layout.id_column = f.id_column;
  std::unique_ptr<MoleculeReader> reader = open_molecules(f.input, layout, false);
  ExampleOptions options = m.spec.examples;
  options.scaffolds = false;
  int64_t rows = 0, failed = 0, conformer_failures = 0;
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  io::write_atomically(f.output, [&](const std::string& tmp) {
    std::unique_ptr<PredictionWriter> out = open_prediction_writer(format, tmp, m.data.layout.targets);
    // The next chunk is read and prepared while this one goes through the model: the model barely
    // gains from a second thread on molecule-sized batches, RDKit's parsing and descriptors do.
    auto read_next = [&] {
      return std::async(std::launch::async, [&] { return read_examples(*reader, static_cast<size_t>(f.chunk), options); });
    };
    std::future<std::vector<FeaturizedRecord>> next = read_next();
    for (std::vector<FeaturizedRecord> chunk; !(chunk = next.get()).empty();) {
      next = read_next();
      // Batched by size, so that a batch pads its molecules to about the same number of atoms.
      std::vector<size_t> usable;
      for (size_t i = 0; i < chunk.size(); ++i)
        if (chunk[i].example) usable.push_back(i);
      std::stable_sort(usable.begin(), usable.end(), [&](size_t a, size_t b) {
        return chunk[a].example->graph.graph.num_atoms() < chunk[b].example->graph.graph.num_atoms();
      });
      Examples by_size;
      for (size_t i : usable) by_size.push_back(chunk[i].example.get());
      const std::vector<std::vector<double>> sorted_predictions =
          predict_properties(*m.model, by_size, m.normalization, m.data.classification, f.batch_size);
      std::vector<const std::vector<double>*> predicted(chunk.size(), nullptr);
      for (size_t j = 0; j < usable.size(); ++j) predicted[usable[j]] = &sorted_predictions[j];
      std::vector<PredictionRow> written(chunk.size());
      for (size_t i = 0; i < chunk.size(); ++i) {
        FeaturizedRecord& r = chunk[i];
        PredictionRow& w = written[i];
        w.id = std::move(r.record.id);
        w.smiles = std::move(r.record.smiles);
        if (r.example)
          w.values = *predicted[i];
        else
          w.error = std::string(reader->position_name()) + " " + std::to_string(r.record.line) + ": " + r.error;
        failed += r.example ? 0 : 1;
        conformer_failures += r.example && r.example->conformer_failed ? 1 : 0;
      }
      out->write(written);
      rows += static_cast<int64_t>(chunk.size());
      std::fprintf(stderr, "\rtessera: predicted %lld molecules (%.0f/s)", static_cast<long long>(rows),
                   static_cast<double>(rows) / std::max(seconds(), 1e-9));
    }
    if (rows == 0) throw DataError(f.input, "has no molecules");
    std::fprintf(stderr, "\n");
    if (options.conformer)
      std::fprintf(stderr, "tessera: %s: %lld molecules failed to embed a conformer and were predicted without 3D distances\n",
                   f.input.c_str(), static_cast<long long>(conformer_failures));
    out->close();
  });
  const double wall = seconds();
  return {{"output", f.output}, {"molecules", rows}, {"failed", failed}, {"conformer_failures", conformer_failures}, {"seconds", wall},
          {"molecules_per_second", static_cast<double>(rows) / std::max(wall, 1e-9)}};
}

}  // namespace

domains::DomainCommand predict_molecule_command() {
  domains::DomainCommand c;
  c.verb = "predict";
  c.name = "molecule";
  c.description = "Predict the model's properties for every molecule of a CSV, SDF, .smi or HDF5 file; writes "
                  "CSV or HDF5 (id, smiles, one column per target, error)";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<PredictFlags>();
    cmd.add_option("--input", f->input, "Molecules: .csv (the model's SMILES column), .sdf, .smi or .h5")
        ->required()
        ->check(domains::input_file());
    cmd.add_option("--output", f->output, "CSV or HDF5 (.h5) file to write (never the input)")->required()->check(domains::output_file());
    cmd.add_option("--smiles-column", f->smiles_column, "SMILES column of a CSV input (default: the training data's)")
        ->check(domains::non_empty("a column name"));
    cmd.add_option("--id-column", f->id_column, "Id column of a CSV input (default: the training data's)")
        ->check(domains::non_empty("a column name"));
    cmd.add_option("--batch-size", f->batch_size, "Molecules per forward pass")->capture_default_str()->check(CLI::Range(1, 1 << 14));
    cmd.add_option("--chunk", f->chunk, "Molecules read and prepared ahead while the previous ones are predicted (memory grows with it)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 20));
    return [f](const domains::ModelRun& run) { return predict(*f, run); };
  };
  return c;
}

}  // namespace tessera::molecule
