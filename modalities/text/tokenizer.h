#pragma once
// Text <-> token ids. Every tokenizer here is byte-level: any byte string, including invalid UTF-8
// and NUL bytes, encodes and decodes back to exactly itself, so corpora never need cleaning.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera::text {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string kind() const = 0;    // "byte" or "bpe"
  virtual int64_t vocab_size() const = 0;  // ids are 0..vocab_size-1
  virtual std::vector<int32_t> encode(std::string_view text) const = 0;
  // The exact inverse of encode. Throws InputError for an id outside the vocabulary.
  virtual std::string decode(const std::vector<int32_t>& ids) const = 0;
  // The bytes one token stands for, so generated text can be printed token by token.
  virtual std::string token_bytes(int32_t id) const = 0;
  virtual nlohmann::json to_json() const = 0;  // includes "kind"
};

// id = byte value; vocabulary 256.
std::unique_ptr<Tokenizer> make_byte_tokenizer();

// Trains byte-level BPE on `corpus` until vocab_size tokens (256 byte tokens + merges), stopping
// early when no pair of tokens occurs twice. Throws InputError when vocab_size < 256.
std::unique_ptr<Tokenizer> train_bpe(std::string_view corpus, int64_t vocab_size);

// Throws DataError naming `source_path_for_errors` (may be "") and the problem.
std::unique_ptr<Tokenizer> tokenizer_from_json(const nlohmann::json& j, const std::string& source_path_for_errors);
void save_tokenizer(const Tokenizer& t, const std::string& path);
// Throws DataError when the file is missing, unreadable, not JSON or not a valid tokenizer.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path);

}  // namespace tessera::text
