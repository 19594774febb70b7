#include "domains/text/text_model_spec.h"

#include "core/io/checkpoint.h"
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
  nn::TrunkConfig& t = s.model.trunk;
  t.d_model = m.integer("d_model", 384, 1, 1 << 16);
  t.n_layer = m.integer("n_layer", 6, 1, 1024);
  t.n_head = m.integer("n_head", 6, 1, 1024);
  if (t.d_model % t.n_head != 0)
    m.fail("n_head", "must divide d_model (" + std::to_string(t.d_model) + "), got " + std::to_string(t.n_head));
  t.mlp_hidden = m.integer("mlp_hidden", 4 * t.d_model, 1, 1 << 20);
  t.dropout = m.number("dropout", 0.0, 0.0, 0.99);
  t.position = nn::position_kind_from_name(m.choice("position", "learned", {"learned", "rope", "none"}));
  t.norm = nn::norm_kind_from_name(m.choice("norm", "layernorm", {"layernorm", "rmsnorm"}));
  t.activation = nn::activation_from_name(m.choice("activation", "gelu_tanh", {"gelu_tanh", "gelu_erf", "silu"}));
  t.bias = m.boolean("bias", true);
  m.finish();
  return s;
}

int64_t model_vocab(const TextModelSpec& spec, const Tokenizer& tokenizer) {
  return tokenizer.vocab_size() + (spec.objective == "masked" ? 1 : 0);
}

LoadedTextModel load_text_model(const std::string& checkpoint) {
  const io::CheckpointMeta meta = io::read_checkpoint_meta(checkpoint);
  if (meta.architecture != kArchitecture)
    throw CheckpointError(checkpoint, "holds a '" + meta.architecture + "' model, not a text language model");
  auto tok = meta.attributes.find("tokenizer");
  if (tok == meta.attributes.end()) throw CheckpointError(checkpoint, "has no tokenizer");
  LoadedTextModel loaded;
  try {
    loaded.tokenizer = tokenizer_from_json(nlohmann::json::parse(tok->second), checkpoint);
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError(checkpoint, "has an unreadable tokenizer");
  }
  config::ConfigFile cfg = config::ConfigFile::parse(meta.config, checkpoint);
  config::Section root = cfg.root();
  loaded.spec = read_text_model_spec(root);
  loaded.spec.model.vocab_size = model_vocab(loaded.spec, *loaded.tokenizer);
  loaded.model = std::make_unique<LanguageModel>(loaded.spec.model);
  io::load_checkpoint(checkpoint, loaded.model->named_parameters(), "optimizer/");
  loaded.model->set_training(false);
  return loaded;
}

}  // namespace tessera::text
