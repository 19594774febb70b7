#include "modalities/text/bpe_tokenizer.h"

#include <cstddef>
#include <functional>
#include <queue>
#include <string_view>

#include "core/util/error.h"
#include "modalities/text/chunking.h"

namespace tessera::text {

BpeTokenizer::BpeTokenizer(std::vector<Merge> merges) : merges_(std::move(merges)) {
  token_bytes_.reserve(256 + merges_.size());
  for (int b = 0; b < 256; ++b) token_bytes_.emplace_back(1, static_cast<char>(b));
  rank_.reserve(merges_.size());
  for (size_t i = 0; i < merges_.size(); ++i) {
    const auto [left, right] = merges_[i];
    token_bytes_.push_back(token_bytes_[left] + token_bytes_[right]);
    rank_.emplace(pair_key(left, right), static_cast<int32_t>(i));
  }
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 2);
  // Text repeats a few thousand distinct chunks over and over. The cache lives for one call so the
  // tokenizer stays immutable and safe to share between threads.
  std::unordered_map<std::string_view, std::vector<int32_t>> cache;
  for (const std::string_view chunk : split_chunks(text)) {
    auto [it, inserted] = cache.try_emplace(chunk);
    if (inserted) encode_chunk(chunk, it->second);
    ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  return ids;
}

// Applies merges lowest rank first, and among equal ranks leftmost first: the order training
// applied them in, so training text gets the segmentation training saw. A linked list over the
// chunk's bytes and a heap of candidate pairs keep this O(n log n) even for a megabyte-long run
// of one byte, where rescanning for the best pair after every merge would be quadratic.
void BpeTokenizer::encode_chunk(std::string_view chunk, std::vector<int32_t>& out) const {
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(chunk.size());
  std::vector<int32_t> id(n);
  std::vector<std::ptrdiff_t> next(n), prev(n);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    id[i] = static_cast<unsigned char>(chunk[i]);
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  using Candidate = std::pair<int32_t, std::ptrdiff_t>;  // (rank, position of the left token)
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto rank_at = [&](std::ptrdiff_t pos) {
    if (pos < 0 || next[pos] >= n) return -1;
    const auto it = rank_.find(pair_key(id[pos], id[next[pos]]));
    return it == rank_.end() ? -1 : it->second;
  };
  auto offer = [&](std::ptrdiff_t pos) {
    if (const int32_t r = rank_at(pos); r >= 0) heap.emplace(r, pos);
  };
  for (std::ptrdiff_t i = 0; i + 1 < n; ++i) offer(i);
  while (!heap.empty()) {
    const auto [rank, pos] = heap.top();
    heap.pop();
    // Entries go stale when a neighbouring merge consumed or changed a token; skip those.
    if (id[pos] < 0 || rank_at(pos) != rank) continue;
    const std::ptrdiff_t gone = next[pos];
    id[pos] = 256 + rank;
    id[gone] = -1;
    next[pos] = next[gone];
    if (next[pos] < n) prev[next[pos]] = pos;
    offer(prev[pos]);
    offer(pos);
  }
  for (std::ptrdiff_t i = 0; i < n; i = next[i]) out.push_back(id[i]);
}

std::string BpeTokenizer::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  for (const int32_t t : ids) out += bytes_of(t);
  return out;
}

std::string BpeTokenizer::token_bytes(int32_t id) const { return bytes_of(id); }

const std::string& BpeTokenizer::bytes_of(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("", "token id " + std::to_string(id) + " is outside the BPE vocabulary of " +
                             std::to_string(vocab_size()));
  return token_bytes_[id];
}

nlohmann::json BpeTokenizer::to_json() const {
  nlohmann::json merges = nlohmann::json::array();
  for (const auto& [left, right] : merges_) merges.push_back({left, right});
  return {{"kind", "bpe"}, {"vocab_size", vocab_size()}, {"merges", std::move(merges)}};
}

}  // namespace tessera::text
