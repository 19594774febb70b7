#include "domains/text/language_model_task.h"

#include <cstdio>

#include "core/util/error.h"
#include "domains/text/byte_corpus.h"

namespace tessera::text {

LanguageModelTask::LanguageModelTask(config::Section& root) {
  config::Section data = root.section("data");
  data_path_ = data.required_text("path");
  const double validation_fraction = data.number("validation_fraction", 0.1, 0.001, 0.5);
  batch_size_ = data.integer("batch_size", 16, 1, 1 << 20);
  data.finish();
  spec_ = read_text_model_spec(root);

  const ByteCorpus corpus = load_byte_corpus(data_path_);
  corpus_bytes_ = corpus.bytes.size();
  corpus_files_ = corpus.files;
  const size_t n_train = static_cast<size_t>((1.0 - validation_fraction) * static_cast<double>(corpus.bytes.size()));
  const std::string_view all(reinterpret_cast<const char*>(corpus.bytes.data()), corpus.bytes.size());
  const std::string_view train_text = all.substr(0, n_train), val_text = all.substr(n_train);
  tokenizer_ = spec_.tokenizer_kind == "bpe" ? train_bpe(train_text, spec_.tokenizer_vocab) : make_byte_tokenizer();
  train_tokens_ = tokenizer_->encode(train_text);
  val_tokens_ = tokenizer_->encode(val_text);
  const int64_t need = spec_.model.context + 2;
  for (const auto* split : {&train_tokens_, &val_tokens_})
    if (static_cast<int64_t>(split->size()) < need)
      throw DataError(data_path_, std::string(split == &train_tokens_ ? "training" : "validation") + " split has " +
                                      std::to_string(split->size()) + " tokens, fewer than model.context + 2 (" +
                                      std::to_string(need) + "): use more text or a smaller context");
  spec_.model.vocab_size = model_vocab(spec_, *tokenizer_);
  model_ = std::make_unique<LanguageModel>(spec_.model);
}

void LanguageModelTask::initialize(uint64_t seed) {
  Generator g(seed);
  nn::init_gpt2(*model_, spec_.model.trunk.n_layer, g);
}

LanguageModelTask::Batch LanguageModelTask::draw(const std::vector<int32_t>& tokens, Generator& g) const {
  const int64_t T = spec_.model.context, B = batch_size_;
  Batch b{Tensor::empty({B, T}, DType::i64), Tensor::empty({B, T}, DType::i64)};
  int64_t* x = b.inputs.data<int64_t>();
  int64_t* y = b.targets.data<int64_t>();
  const uint64_t range = tokens.size() - static_cast<size_t>(T) - 1;
  const int64_t mask_id = tokenizer_->vocab_size();
  for (int64_t i = 0; i < B; ++i) {
    const size_t start = g.below(range);
    for (int64_t t = 0; t < T; ++t) {
      if (spec_.model.causal) {  // predict the next token
        x[i * T + t] = tokens[start + t];
        y[i * T + t] = tokens[start + t + 1];
      } else {  // predict the masked tokens, ignore the rest
        const bool masked = g.uniform() < spec_.mask_fraction;
        x[i * T + t] = masked ? mask_id : tokens[start + t];
        y[i * T + t] = masked ? tokens[start + t] : -100;
      }
    }
  }
  return {model_->place(b.inputs), model_->place(b.targets)};
}

Tensor LanguageModelTask::train_loss(Generator& data) {
  const Batch b = draw(train_tokens_, data);
  return model_->loss(b.inputs, b.targets);
}

double LanguageModelTask::eval_loss(int64_t batches) {
  Generator g(1234);
  double total = 0;
  for (int64_t i = 0; i < batches; ++i) {
    const Batch b = draw(val_tokens_, g);
    total += model_->loss(b.inputs, b.targets).item();
  }
  return total / static_cast<double>(batches);
}

std::map<std::string, Generator*> LanguageModelTask::model_generators() {
  return {{"dropout", &model_->trunk.dropout_generator()}};
}

std::map<std::string, std::string> LanguageModelTask::checkpoint_attributes() const {
  return {{"tokenizer", tokenizer_->to_json().dump()}};
}

std::string LanguageModelTask::describe() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s (%s): %zu training / %zu validation tokens (%s, vocabulary %lld), %.2fM parameters",
                kArchitecture, spec_.objective.c_str(), train_tokens_.size(), val_tokens_.size(),
                tokenizer_->kind().c_str(), static_cast<long long>(tokenizer_->vocab_size()),
                static_cast<double>(model_->num_parameters()) / 1e6);
  return buf;
}

}  // namespace tessera::text
