#pragma once
// The property every tokenizer promises (modalities/text/tokenizer.h): any bytes encode and decode
// back to exactly themselves. A violation aborts the harness as a finding.
#include <string_view>

#include "modalities/text/tokenizer.h"

namespace tessera::fuzz {

void check_round_trip(const text::Tokenizer& tokenizer, std::string_view bytes);

// A BPE tokenizer trained on a few sentences of English (the seed tokenizer of the harnesses).
std::unique_ptr<text::Tokenizer> small_bpe();

}  // namespace tessera::fuzz
