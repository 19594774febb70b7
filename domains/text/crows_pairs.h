#pragma once
// Sentence pairs in the CrowS-Pairs format (Nangia et al. 2020, crows_pairs_anonymized.csv): a
// header naming at least sent_more (the more stereotypical sentence), sent_less and bias_type;
// stereo_antistereo when present. Other columns are ignored, so users can bring their own pairs.
#include <string>
#include <vector>

namespace tessera::text {

struct SentencePair {
  std::string more, less, bias_type, direction;  // direction: stereo | antistereo | "" (not given)
};

// DataError naming the file and line for a missing column, an empty sentence or bias type.
std::vector<SentencePair> read_sentence_pairs(const std::string& path);

}  // namespace tessera::text
