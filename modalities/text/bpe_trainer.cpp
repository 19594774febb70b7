// Byte-level BPE training. Chunks (see chunking.h) repeat heavily in text, so each distinct chunk
// is stored once with its count and every pair statistic is weighted by it. A merge touches only
// the chunks that hold its pair (found through an index of pair -> chunks) and only the pair
// counts next to its occurrences, so a step costs about the size of those chunks, not of the corpus.
#include <algorithm>
#include <limits>
#include <queue>
#include <unordered_map>

#include "core/util/error.h"
#include "modalities/text/bpe_tokenizer.h"
#include "modalities/text/chunking.h"

namespace tessera::text {
namespace {

struct Chunk {
  std::vector<int32_t> symbols;
  int64_t count = 0;
};

// Heap order: most frequent pair first, ties to the smaller (left, right) so training is
// deterministic whatever order the hash maps iterate in.
struct Candidate {
  int64_t count;
  uint64_t pair;
  bool operator<(const Candidate& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

class Trainer {
 public:
  explicit Trainer(std::string_view corpus);
  std::vector<Merge> learn(int64_t max_merges);

 private:
  void merge_in_chunk(int32_t c, int32_t left, int32_t right, int32_t merged, std::vector<uint64_t>& new_pairs);
  void add_count(uint64_t pair, int64_t delta);

  std::vector<Chunk> chunks_;
  std::unordered_map<uint64_t, int64_t> counts_;  // pair -> occurrences in the corpus
  // pair -> chunks that held it when it appeared; entries may go stale as later merges consume it.
  std::unordered_map<uint64_t, std::vector<int32_t>> where_;
  // Counts here may be stale but are never below the true count, since a pair's count only grows
  // in the step that creates its newer token, which pushes it.
  std::priority_queue<Candidate> heap_;
};

Trainer::Trainer(std::string_view corpus) {
  std::unordered_map<std::string_view, int32_t> index;
  for (const std::string_view text : split_chunks(corpus)) {
    const auto [it, inserted] = index.try_emplace(text, static_cast<int32_t>(chunks_.size()));
    if (inserted) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
      chunks_.push_back({std::vector<int32_t>(bytes, bytes + text.size()), 0});
    }
    ++chunks_[it->second].count;
  }
  for (int32_t c = 0; c < static_cast<int32_t>(chunks_.size()); ++c) {
    const auto& symbols = chunks_[c].symbols;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const uint64_t pair = pair_key(symbols[i], symbols[i + 1]);
      counts_[pair] += chunks_[c].count;
      auto& list = where_[pair];
      if (list.empty() || list.back() != c) list.push_back(c);
    }
  }
  for (const auto& [pair, count] : counts_) heap_.push({count, pair});
}

void Trainer::add_count(uint64_t pair, int64_t delta) {
  const auto it = counts_.try_emplace(pair, 0).first;
  it->second += delta;
  if (it->second == 0) counts_.erase(it);
}

// Replaces every non-overlapping (left, right), leftmost first, by `merged`. The pairs that
// vanish are exactly the old ones touching a replaced position; the pairs that appear are exactly
// the new ones next to `merged`; every other pair is unchanged.
void Trainer::merge_in_chunk(int32_t c, int32_t left, int32_t right, int32_t merged,
                             std::vector<uint64_t>& new_pairs) {
  auto& s = chunks_[c].symbols;
  const int64_t count = chunks_[c].count;
  const size_t n = s.size();
  std::vector<bool> replaced(n, false);
  bool found = false;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (s[i] == left && s[i + 1] == right) {
      replaced[i] = replaced[i + 1] = found = true;
      ++i;
    }
  }
  if (!found) return;  // a stale where_ entry
  for (size_t i = 0; i + 1 < n; ++i)
    if (replaced[i] || replaced[i + 1]) add_count(pair_key(s[i], s[i + 1]), -count);
  std::vector<int32_t> t;
  t.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (replaced[i]) {
      t.push_back(merged);
      ++i;
    } else {
      t.push_back(s[i]);
    }
  }
  for (size_t j = 0; j + 1 < t.size(); ++j) {
    if (t[j] != merged && t[j + 1] != merged) continue;
    const uint64_t pair = pair_key(t[j], t[j + 1]);
    add_count(pair, count);
    auto& list = where_[pair];
    if (list.empty() || list.back() != c) list.push_back(c);
    new_pairs.push_back(pair);
  }
  s = std::move(t);
}

std::vector<Merge> Trainer::learn(int64_t max_merges) {
  std::vector<Merge> merges;
  std::vector<uint64_t> new_pairs;
  while (static_cast<int64_t>(merges.size()) < max_merges && !heap_.empty()) {
    const Candidate top = heap_.top();
    heap_.pop();
    const auto it = counts_.find(top.pair);
    const int64_t count = it == counts_.end() ? 0 : it->second;
    if (count != top.count) {
      if (count > 0) heap_.push({count, top.pair});
      continue;
    }
    if (count < 2) break;  // merging a pair seen once compresses nothing beyond that one spot
    const auto left = static_cast<int32_t>(top.pair >> 32);
    const auto right = static_cast<int32_t>(top.pair & 0xffffffffu);
    const auto merged = static_cast<int32_t>(256 + merges.size());
    merges.emplace_back(left, right);
    const std::vector<int32_t> holders = std::move(where_[top.pair]);
    where_.erase(top.pair);
    new_pairs.clear();
    for (const int32_t c : holders) merge_in_chunk(c, left, right, merged, new_pairs);
    std::sort(new_pairs.begin(), new_pairs.end());
    new_pairs.erase(std::unique(new_pairs.begin(), new_pairs.end()), new_pairs.end());
    for (const uint64_t pair : new_pairs) heap_.push({counts_.at(pair), pair});
  }
  return merges;
}

}  // namespace

std::unique_ptr<Tokenizer> train_bpe(std::string_view corpus, int64_t vocab_size) {
  if (vocab_size < 256 || vocab_size > std::numeric_limits<int32_t>::max())
    throw InputError("", "BPE vocab_size must be between 256 (the byte tokens) and 2^31-1, got " +
                             std::to_string(vocab_size));
  return std::make_unique<BpeTokenizer>(Trainer(corpus).learn(vocab_size - 256));
}

}  // namespace tessera::text
