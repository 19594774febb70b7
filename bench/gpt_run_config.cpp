#include "bench/gpt_run_config.h"

#include <yaml-cpp/yaml.h>

#include "core/util/error.h"

namespace tessera::bench {

int64_t padded_vocab(int64_t vocab) { return (vocab + kVocabMultiple - 1) / kVocabMultiple * kVocabMultiple; }

GptShape gpt_shape(const std::string& config) {
  if (config == "tiny") return {256, 128, 4, 128, 4, 16};
  if (config == "small") return {256, 256, 6, 384, 6, 8};
  // GPT-2's vocabulary over bytes: the embedding has GPT-2's size, most rows are never a target.
  // Padded to 50304 as llm.c and nanoGPT do, so that the logits GEMM has a tensor-core-friendly width.
  if (config == "gpt2-124m") return {padded_vocab(50257), 1024, 12, 768, 12, 16};
  throw ConfigError("", "unknown benchmark config '" + config + "' (allowed: tiny, small, gpt2-124m)");
}

std::string gpt_run_config(const GptBenchOptions& o, const GptShape& s, int64_t max_steps) {
  YAML::Node root;
  root["task"] = "text/language_model";
  YAML::Node data = root["data"];
  data["path"] = o.data;
  data["validation_fraction"] = 0.1;  // the reference's last 10%
  data["batch_size"] = s.batch;
  root["tokenizer"]["kind"] = "byte";
  YAML::Node model = root["model"];
  model["objective"] = "causal";
  model["context"] = s.ctx;
  model["vocab_size"] = s.vocab;
  model["d_model"] = s.d_model;
  model["n_layer"] = s.n_layer;
  model["n_head"] = s.n_head;
  YAML::Node training = root["training"];
  training["max_steps"] = max_steps;
  // torch_ref.py: AdamW(lr 3e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.1), constant
  // learning rate, no warm-up, no clipping.
  training["lr"] = 3e-4;
  training["min_lr"] = 3e-4;
  training["warmup_steps"] = 0;
  training["beta1"] = 0.9;
  training["beta2"] = 0.999;
  training["eps"] = 1e-8;
  training["weight_decay"] = 0.1;
  training["grad_clip"] = 0;
  training["eval_batches"] = o.val_batches;
  training["log_every"] = o.log_every > 0 ? o.log_every : max_steps;
  training["seed"] = o.seed;
  training["threads"] = o.threads;
  training["precision"] = o.precision;
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

}  // namespace tessera::bench
