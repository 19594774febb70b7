// `tessera card`: a model card written from the checkpoint and its run directory's files
// (governance/bias/model_card.h); printed, or written atomically to --output.
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/io/checkpoint.h"
#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/plugin/domain_registry.h"
#include "governance/bias/model_card.h"

namespace tessera::cli {
namespace {

struct CardFlags {
  std::string checkpoint, run_dir, output;
};

// What the card is written from: the checkpoint and every file of its run directory (metrics,
// evaluations, audits, carbon reports), none of which --output may replace.
std::vector<std::string> card_sources(const CardFlags& f) {
  namespace fs = std::filesystem;
  std::vector<std::string> sources = {f.checkpoint};
  const std::string run_dir = !f.run_dir.empty() ? f.run_dir : bias::run_dir_of(f.checkpoint);
  std::error_code ec;
  if (run_dir.empty()) return sources;
  for (fs::recursive_directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) sources.push_back(it->path().string());
  return sources;
}

int write_card(const CardFlags& f) {
  if (!f.output.empty()) io::check_output_path(f.output, "--output", card_sources(f));
  bias::CardInputs in;
  in.checkpoint = f.checkpoint;
  in.run_dir = f.run_dir;
  try {
    for (const std::string& d : domains::checkpoint_domains(io::read_checkpoint_meta(f.checkpoint), f.checkpoint))
      in.domain += (in.domain.empty() ? "" : ", ") + d;
  } catch (const CheckpointError&) {
    in.domain.clear();  // a model no domain of this build knows still gets a card, its domain unknown
  }
  const std::string card = bias::model_card_markdown(in);
  if (f.output.empty()) {
    std::cout << card;
    return 0;
  }
  io::write_text_atomically(f.output, card);
  print_result({{"card", f.output}});
  return 0;
}

}  // namespace

void add_card_command(CLI::App& app, Action& action) {
  CLI::App* card = app.add_subcommand("card", "Write a model card from the checkpoint, its metrics, eval, bias audit "
                                              "and carbon report (Markdown)");
  auto f = std::make_shared<CardFlags>();
  card->add_option("--checkpoint", f->checkpoint, "Checkpoint file (.h5)")->required();
  card->add_option("--run-dir", f->run_dir,
                   "Run directory with metrics.jsonl, eval*.json, audit.json, carbon.json (default: the checkpoint's)");
  card->add_option("--output", f->output, "Markdown file to write (default: print it)")->check(domains::output_file());
  on_parsed(card, action, f, write_card);
}

}  // namespace tessera::cli
