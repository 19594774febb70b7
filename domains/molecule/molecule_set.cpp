#include "domains/molecule/molecule_set.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/util/error.h"
#include "core/util/parallel_items.h"
#include "domains/molecule/chemistry.h"

namespace tessera::molecule {

std::unique_ptr<MoleculeExample> make_example(const MoleculeRecord& record, const ExampleOptions& options, std::string& error) {
  if (!record.error.empty()) {
    error = record.error;
    return nullptr;
  }
  auto too_many = [&](int64_t atoms) {
    error = "has " + std::to_string(atoms) + " atoms, above the model's limit of " + std::to_string(options.max_atoms) +
            " (model.max_atoms)";
    return nullptr;
  };
  // The written atoms can exceed the parsed ones only by explicit hydrogens, hence the margin.
  const int64_t written = smiles_atom_count(record.smiles);
  if (written > 2 * options.max_atoms) return too_many(written);
  std::unique_ptr<Molecule> mol = Molecule::from_smiles(record.smiles, error);
  if (!mol) return nullptr;
  graph::MolecularGraph g = mol->graph();
  if (g.num_atoms() > options.max_atoms) return too_many(g.num_atoms());
  auto e = std::make_unique<MoleculeExample>();
  e->id = record.id;
  e->line = record.line;
  e->smiles = record.smiles;
  e->targets = record.targets;
  if (options.conformer) {
    g.distances = mol->conformer_distances();
    e->conformer_failed = g.distances.empty();
  }
  e->graph = graph::prepare_graph(std::move(g));
  if (options.descriptors) e->descriptors = mol->descriptors();
  if (options.scaffolds) e->scaffold = mol->scaffold();
  return e;
}

std::vector<FeaturizedRecord> read_examples(MoleculeReader& reader, size_t count, const ExampleOptions& options) {
  std::vector<FeaturizedRecord> rows;
  MoleculeRecord record;
  while (rows.size() < count && reader.next(record)) rows.push_back({std::move(record), nullptr, {}});
  for_each_item_in_parallel(rows.size(), [&](size_t i) {
    rows[i].example = make_example(rows[i].record, options, rows[i].error);
  });
  return rows;
}

MoleculeSet load_molecule_set(const std::string& path, const TableLayout& layout, const ExampleOptions& options,
                              bool skip_invalid) {
  std::unique_ptr<MoleculeReader> reader = open_molecules(path, layout, true);
  MoleculeSet set;
  std::string first_error;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> shown;  // printed once the set is known to be usable: a failure stays one line
  constexpr size_t kShown = 5, kChunk = 4096;
  for (std::vector<FeaturizedRecord> rows; !(rows = read_examples(*reader, kChunk, options)).empty();) {
    for (FeaturizedRecord& row : rows) {
      ++set.records;
      if (row.example) {
        set.conformer_failures += row.example->conformer_failed ? 1 : 0;
        set.examples.push_back(std::move(*row.example));
        continue;
      }
      const std::string where = std::string(reader->position_name()) + " " + std::to_string(row.record.line) + ": ";
      if (!skip_invalid) throw DataError(path, where + row.error + " (data.on_invalid: error)");
      if (first_error.empty()) first_error = where + row.error;
      ++set.skipped;
      if (shown.size() < kShown) shown.push_back(where + row.error);
    }
  }
  if (set.examples.empty())
    throw DataError(path, set.records == 0 ? std::string("has no molecules")
                                           : "none of its " + std::to_string(set.records) + " molecules is usable (" +
                                                 first_error + ")");
  for (size_t t = 0; t < layout.targets.size(); ++t) {
    bool any = false;
    for (const MoleculeExample& e : set.examples) any = any || !std::isnan(e.targets[t]);
    if (!any) throw DataError(path, "target '" + layout.targets[t] + "' has no numeric value");
  }
  for (const std::string& line : shown) std::cerr << "tessera: " << path << ": " << line << "; skipped\n";
  if (set.skipped > 0)
    std::cerr << "tessera: " << path << ": skipped " << set.skipped << " of " << set.records << " molecules\n";
  if (options.conformer) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "tessera: %s: read %zu molecules with conformers in %.1f ms each; %lld failed to embed and have no 3D distances\n",
                 path.c_str(), set.examples.size(), 1e3 * seconds / static_cast<double>(set.examples.size()),
                 static_cast<long long>(set.conformer_failures));
  }
  return set;
}

}  // namespace tessera::molecule
