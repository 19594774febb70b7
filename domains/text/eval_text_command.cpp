#include <memory>

#include "domains/text/byte_corpus.h"
#include "domains/text/text_commands.h"
#include "domains/text/text_evaluation.h"
#include "domains/text/text_model_spec.h"
#include "eval/baseline_comparison.h"

namespace tessera::text {

domains::DomainCommand eval_text_command() {
  domains::DomainCommand c;
  c.verb = "eval";
  c.name = "text";
  c.description = "Loss, perplexity and bits per byte of a text model on a text file";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto input = std::make_shared<std::string>();
    cmd.add_option("--input", *input, "Text file (or folder of text files) to score")->required();
    return [input](const domains::ModelRun& run) -> domains::CommandResult {
      LoadedTextModel loaded = load_text_model(run.checkpoint, run.device);
      const ByteCorpus corpus = load_byte_corpus(*input);
      const std::string content(corpus.bytes.begin(), corpus.bytes.end());
      const eval::LanguageScore s =
          evaluate_text(*loaded.model, *loaded.tokenizer, content, loaded.spec.mask_fraction, *input);
      const eval::MetricComparison bits{"bits_per_byte", eval::Better::lower, s.bits_per_byte,
                                        {{"byte_unigram", eval::byte_unigram_bits_per_byte(content)}}};
      return {{"checkpoint", run.checkpoint}, {"input", *input},       {"objective", loaded.spec.objective},
              {"loss", s.loss},               {"perplexity", s.perplexity}, {"bits_per_byte", s.bits_per_byte},
              {"tokens", s.tokens},           {"bytes", s.bytes},
              {eval::kComparisonKey, eval::comparison_json({bits})}};
    };
  };
  return c;
}

}  // namespace tessera::text
