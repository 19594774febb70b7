#pragma once
// Training a language model on a text file or folder: bytes split into train/validation, a byte
// or BPE tokenizer (BPE trained on the training split only), random windows as batches.
#include <memory>
#include <string>
#include <vector>

#include "domains/text/text_model_spec.h"
#include "core/task/task.h"

namespace tessera::text {

class LanguageModelTask : public Task {
 public:
  explicit LanguageModelTask(config::Section& root);

  std::string architecture() const override { return kArchitecture; }
  LanguageModel& model() override { return *model_; }
  nn::Trunk& trunk() override { return model_->trunk; }
  void initialize(uint64_t seed) override;
  Tensor train_loss(Generator& data) override;
  double eval_loss(int64_t batches) override;
  int64_t items_per_batch() const override { return batch_size_ * spec_.model.context; }
  std::map<std::string, Generator*> model_generators() override;
  std::map<std::string, std::string> checkpoint_attributes() const override;
  std::string describe() const override;
  // What was read from data.path: bytes, and files (a folder is read file by file).
  size_t corpus_bytes() const { return corpus_bytes_; }
  size_t corpus_files() const { return corpus_files_; }

 private:
  struct Batch {
    Tensor inputs, targets;
  };
  Batch draw(const std::vector<int32_t>& tokens, Generator& g) const;

  TextModelSpec spec_;
  std::string data_path_;
  int64_t batch_size_ = 0;
  size_t corpus_bytes_ = 0, corpus_files_ = 0;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::vector<int32_t> train_tokens_, val_tokens_;
  std::unique_ptr<LanguageModel> model_;
};

}  // namespace tessera::text
