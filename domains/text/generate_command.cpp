#include <iostream>
#include <memory>

#include "core/util/error.h"
#include "domains/text/generation.h"
#include "domains/text/text_commands.h"
#include "domains/text/text_model_spec.h"

namespace tessera::text {

domains::DomainCommand generate_command() {
  domains::DomainCommand c;
  c.verb = "generate";
  c.description = "Continue a prompt with a trained text model, streaming to stdout";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    struct Flags {
      std::string prompt;
      SamplingOptions sampling;
    };
    auto f = std::make_shared<Flags>();
    cmd.add_option("--prompt", f->prompt, "Text to continue (default: start of a document)");
    cmd.add_option("--max-tokens", f->sampling.max_tokens, "Tokens to generate")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd.add_option("--temperature", f->sampling.temperature, "Softmax temperature; 0 picks the most likely token")
        ->capture_default_str()->check(domains::finite_number())->check(CLI::NonNegativeNumber);
    cmd.add_option("--top-k", f->sampling.top_k, "Sample among the k most likely tokens (0: all)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd.add_option("--top-p", f->sampling.top_p, "Sample within this probability mass (nucleus)")
        ->capture_default_str()->check(domains::finite_number())->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--seed", f->sampling.seed, "Random seed: the same seed gives the same text")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    return [f](const domains::ModelRun& run) -> domains::CommandResult {
      LoadedTextModel loaded = load_text_model(run.checkpoint, run.device);
      if (!loaded.spec.model.causal)
        throw CheckpointError(run.checkpoint, "holds a masked language model; generate needs a causal one");
      generate(*loaded.model, *loaded.tokenizer, f->prompt, f->sampling,
               [](const std::string& piece) { std::cout << piece << std::flush; });
      std::cout << std::endl;
      return nullptr;
    };
  };
  c.metered = false;
  return c;
}

}  // namespace tessera::text
