#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "core/cuda/runtime.h"
#include "core/util/error.h"
#include "domains/text/byte_corpus.h"
#include "domains/text/text_evaluation.h"
#include "domains/text/text_model_spec.h"

namespace tessera::cli {
namespace {

struct EvalTextFlags {
  std::string checkpoint;
  std::string input;
  CheckpointRunFlags run;
  std::string device = "cpu";
};

int run_text_evaluation(const EvalTextFlags& f) {
  std::unique_ptr<CarbonScope> carbon = start_checkpoint_carbon(f.run, "eval", f.checkpoint);
  text::LoadedTextModel loaded = text::load_text_model(f.checkpoint);
  loaded.model->to(cuda::usable_device(f.device, "--device"));
  const text::ByteCorpus corpus = text::load_byte_corpus(f.input);
  const std::string content(corpus.bytes.begin(), corpus.bytes.end());
  const text::TextEvaluation e =
      text::evaluate_text(*loaded.model, *loaded.tokenizer, content, loaded.spec.mask_fraction, f.input);
  nlohmann::ordered_json j = {{"checkpoint", f.checkpoint}, {"input", f.input},   {"objective", loaded.spec.objective},
                              {"loss", e.loss},             {"perplexity", e.perplexity},
                              {"bits_per_byte", e.bits_per_byte}, {"tokens", e.tokens}, {"bytes", e.bytes}};
  if (carbon) carbon->finish();
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app, Action& action) {
  CLI::App* eval = app.add_subcommand("eval", "Score a trained model on data (prints JSON)");
  eval->require_subcommand(1);
  auto f = std::make_shared<EvalTextFlags>();
  CLI::App* txt = eval->add_subcommand("text", "Loss, perplexity and bits per byte of a text model on a text file");
  txt->add_option("--checkpoint", f->checkpoint, "Checkpoint of a text language model (.h5)")->required();
  txt->add_option("--input", f->input, "Text file (or folder of text files) to score")->required();
  add_checkpoint_run_flags(*txt, f->run);
  add_device_option(txt, f->device)->capture_default_str();
  txt->callback([f, &action] { action = [f] { return run_text_evaluation(*f); }; });
  add_eval_weather_command(*eval, action);
}

}  // namespace tessera::cli
