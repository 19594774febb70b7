#pragma once
// A model card (Mitchell et al., "Model Cards for Model Reporting") written from facts alone: the
// checkpoint's architecture, step, parameters and effective config; and, from its run directory,
// metrics.jsonl, the newest eval*.json (a saved `tessera eval` line), the newest audit.json (in the
// run directory or a folder directly inside it) and carbon.json. Every number in the card is
// copied from one of those; what none of them records is written as unknown.
#include <string>

namespace tessera::bias {

struct CardInputs {
  std::string checkpoint;
  std::string domain;   // the domain that knows the checkpoint's architecture; empty: unknown
  std::string run_dir;  // empty: <run>/ when the checkpoint is <run>/checkpoints/<file>, else none
};

// The card in Markdown; CheckpointError when the checkpoint cannot be read, DataError naming a
// run file that exists but cannot be parsed.
std::string model_card_markdown(const CardInputs& inputs);

// The run directory a checkpoint belongs to, by the layout the trainer writes; empty when none.
std::string run_dir_of(const std::string& checkpoint);

}  // namespace tessera::bias
