#pragma once
// `tessera eval protein --checkpoint C --input DIR [DIR ...]`: every chain of the inputs predicted by the model and
// by the separation-only baseline stored in the checkpoint (mean C-beta distance per sequence
// separation on the training chains, placed in 3D by the same MDS), both scored against the chain
// itself with the evaluator's metrics: lDDT-C-alpha, TM-score, GDT, RMSD of the C-alpha models and
// contact precision (P@L, P@L/2, P@L/5 at short, medium and long separation) of the contact map.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "domains/plugin/domain.h"
#include "domains/protein/coordinates_from_distances.h"
#include "domains/protein/protein_chain.h"

namespace tessera::protein {

// The prediction `ca` (one C-alpha per residue) as a chain numbered like its reference, to score
// against it.
ProteinChain model_chain(const ProteinChain& reference, const Coordinates& ca);

struct ModelEvalFlags {
  std::string checkpoint;
  std::vector<std::string> inputs;  // files or folders; a checkpoint trained on several folders is scored on all
  std::string split;  // empty: every chain; train | validation | test: the checkpoint's split only
};

// Adds --checkpoint, --input and --split to `eval protein` (the evaluator's own command).
std::shared_ptr<ModelEvalFlags> add_model_eval_flags(CLI::App& command);

// Runs the evaluation; `json` (may be empty) also receives the result, indented.
domains::CommandResult evaluate_model(const ModelEvalFlags& flags, const std::string& json);

}  // namespace tessera::protein
