#pragma once
// Records to examples the model trains on: parsed, checked against the atom limit, turned into
// prepared graphs (and descriptors, scaffolds when asked). Invalid records are reported with their
// line or record number and skipped with a count, or refused (`data.on_invalid: error`).
#include <memory>
#include <string>
#include <vector>

#include "domains/molecule/molecule_reader.h"
#include "modalities/graph/graph_batch.h"

namespace tessera::molecule {

struct MoleculeExample {
  std::string id;
  int64_t line = 0;
  std::string smiles;
  std::vector<double> targets;      // NaN where missing
  graph::PreparedGraph graph;
  std::vector<double> descriptors;  // RDKit 2D descriptors, raw; empty unless asked for
  std::string scaffold;             // empty unless asked for (or acyclic)
  bool conformer_failed = false;    // asked for a conformer and embedding failed: the graph has no distances
};

struct ExampleOptions {
  int64_t max_atoms = 128;
  bool descriptors = false;
  bool scaffolds = false;
  bool conformer = false;  // 3D distances of an ETKDG conformer in the graph (model.conformer)
};

// The example of one record, or null with `error` saying why it cannot be used.
std::unique_ptr<MoleculeExample> make_example(const MoleculeRecord& record, const ExampleOptions& options, std::string& error);

// A record with its example, or the reason it has none.
struct FeaturizedRecord {
  MoleculeRecord record;
  std::unique_ptr<MoleculeExample> example;
  std::string error;
};

// The next (up to) `count` records of `reader` in input order, made into examples by a few threads:
// RDKit parsing and descriptors are most of the cost of reading molecules. Empty at the end.
std::vector<FeaturizedRecord> read_examples(MoleculeReader& reader, size_t count, const ExampleOptions& options);

struct MoleculeSet {
  std::vector<MoleculeExample> examples;
  int64_t records = 0;
  int64_t skipped = 0;
  int64_t conformer_failures = 0;  // examples whose conformer could not be embedded (kept, without distances)
};

// Every usable record of `path`. With options.conformer, the conformer failures and the embedding
// time are reported once on stderr. DataError when none is usable, when a target has no value in
// any of them, or (skip_invalid false) at the first invalid one.
MoleculeSet load_molecule_set(const std::string& path, const TableLayout& layout, const ExampleOptions& options,
                              bool skip_invalid);

}  // namespace tessera::molecule
