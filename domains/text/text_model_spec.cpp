#include "domains/text/text_model_spec.h"

#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"

namespace tessera::text {

TextModelSpec read_text_model_spec(config::Section& root) {
  TextModelSpec s;
  config::Section tok = root.section("tokenizer");
  s.tokenizer_kind = tok.choice("kind", s.tokenizer_kind, {"byte", "bpe"});
  if (s.tokenizer_kind == "bpe") s.tokenizer_vocab = tok.integer("vocab_size", 4096, 257, 1 << 20);
  tok.finish();

  config::Section m = root.section("model");
  s.objective = m.choice("objective", s.objective, {"causal", "masked"});
  if (s.objective == "masked") s.mask_fraction = m.number("mask_fraction", s.mask_fraction, 0.01, 1.0);
  s.model.causal = s.objective == "causal";
  s.model.context = m.integer("context", 256, 1, 1 << 16);
  s.model.vocab_size = m.integer("vocab_size", 0, 0, 1 << 24);
  nn::TrunkConfig defaults;
  defaults.d_model = 384;
  defaults.n_layer = 6;
  defaults.n_head = 6;
  nn::TrunkConfig& t = s.model.trunk;
  t = nn::read_trunk_config(m, defaults);
  t.position = nn::position_kind_from_name(m.choice("position", "learned", {"learned", "rope", "none"}));
  t.bias = m.boolean("bias", true);
  m.finish();
  return s;
}

int64_t model_vocab(const TextModelSpec& spec, const Tokenizer& tokenizer) {
  const int64_t needed = tokenizer.vocab_size() + (spec.objective == "masked" ? 1 : 0);
  if (spec.model.vocab_size == 0) return needed;
  if (spec.model.vocab_size < needed)
    throw ConfigError("model.vocab_size", "must be at least the " + std::to_string(needed) +
                                              " rows the tokenizer needs, got " + std::to_string(spec.model.vocab_size));
  return spec.model.vocab_size;
}

LoadedTextModel load_text_model(const std::string& checkpoint, Device device) {
  LoadedTextModel loaded;
  load_trained_model(checkpoint, kTextModel, device, [&](TrainedCheckpoint& c) -> nn::Module& {
    try {
      loaded.tokenizer = tokenizer_from_json(c.json_attribute("tokenizer"), checkpoint);
    } catch (const nlohmann::json::exception&) {  // a field missing or of the wrong type
      throw CheckpointError(checkpoint, "has an unreadable tokenizer");
    }
    config::Section root = c.config();
    loaded.spec = read_text_model_spec(root);
    loaded.spec.model.vocab_size = model_vocab(loaded.spec, *loaded.tokenizer);
    loaded.model = std::make_unique<LanguageModel>(loaded.spec.model);
    return *loaded.model;
  });
  return loaded;
}

}  // namespace tessera::text
