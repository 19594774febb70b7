#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/cuda/runtime.h"
#include "domains/text/generation.h"
#include "domains/text/text_model_spec.h"
#include "core/util/error.h"

namespace tessera::cli {
namespace {

struct GenerateFlags {
  std::string checkpoint;
  std::string prompt;
  text::SamplingOptions sampling;
  std::string device = "cpu";
};

int run_generation(const GenerateFlags& f) {
  text::LoadedTextModel loaded = text::load_text_model(f.checkpoint);
  if (!loaded.spec.model.causal)
    throw CheckpointError(f.checkpoint, "holds a masked language model; generate needs a causal one");
  loaded.model->to(cuda::usable_device(f.device, "--device"));
  text::generate(*loaded.model, *loaded.tokenizer, f.prompt, f.sampling,
                 [](const std::string& piece) { std::cout << piece << std::flush; });
  std::cout << std::endl;
  return 0;
}

}  // namespace

void add_generate_command(CLI::App& app, Action& action) {
  auto f = std::make_shared<GenerateFlags>();
  CLI::App* gen = app.add_subcommand("generate", "Continue a prompt with a trained text model, streaming to stdout");
  gen->add_option("--checkpoint", f->checkpoint, "Checkpoint of a text language model (.h5)")->required();
  gen->add_option("--prompt", f->prompt, "Text to continue (default: start of a document)");
  gen->add_option("--max-tokens", f->sampling.max_tokens, "Tokens to generate")->capture_default_str()->check(CLI::NonNegativeNumber);
  gen->add_option("--temperature", f->sampling.temperature, "Softmax temperature; 0 picks the most likely token")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  gen->add_option("--top-k", f->sampling.top_k, "Sample among the k most likely tokens (0: all)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  gen->add_option("--top-p", f->sampling.top_p, "Sample within this probability mass (nucleus)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  gen->add_option("--seed", f->sampling.seed, "Random seed: the same seed gives the same text")->capture_default_str();
  add_device_option(gen, f->device)->capture_default_str();
  gen->callback([f, &action] { action = [f] { return run_generation(*f); }; });
}

}  // namespace tessera::cli
