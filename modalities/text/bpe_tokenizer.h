#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "modalities/text/tokenizer.h"

namespace tessera::text {

// Token ids 0..255 are bytes; merge i joins two earlier tokens into id 256 + i.
using Merge = std::pair<int32_t, int32_t>;

inline uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

class BpeTokenizer final : public Tokenizer {
 public:
  // `merges` must be valid: both ids of merge i below 256 + i, no merge repeated.
  explicit BpeTokenizer(std::vector<Merge> merges);

  std::string kind() const override { return "bpe"; }
  int64_t vocab_size() const override { return static_cast<int64_t>(token_bytes_.size()); }
  std::vector<int32_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<int32_t>& ids) const override;
  std::string token_bytes(int32_t id) const override;
  nlohmann::json to_json() const override;

 private:
  void encode_chunk(std::string_view chunk, std::vector<int32_t>& out) const;
  const std::string& bytes_of(int32_t id) const;

  std::vector<Merge> merges_;
  std::vector<std::string> token_bytes_;
  std::unordered_map<uint64_t, int32_t> rank_;  // pair_key -> merge index
};

}  // namespace tessera::text
