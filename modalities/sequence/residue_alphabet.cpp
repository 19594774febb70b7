#include "modalities/sequence/residue_alphabet.h"

#include <cctype>
#include <cstring>

#include "core/util/error.h"

namespace tessera::sequence {

int64_t residue_token(char letter) {
  const unsigned char c = static_cast<unsigned char>(letter);
  if (!std::isalpha(c)) return -1;
  const char upper = static_cast<char>(std::toupper(c));
  const char* at = std::strchr(kAminoAcids, upper);
  return at ? at - kAminoAcids : kUnknownResidue;
}

std::vector<int64_t> residue_tokens(const std::string& sequence) {
  std::vector<int64_t> tokens(sequence.size());
  for (size_t i = 0; i < sequence.size(); ++i) {
    tokens[i] = residue_token(sequence[i]);
    TESSERA_CHECK(tokens[i] >= 0, std::string("residue_tokens: '") + sequence[i] + "' is not a residue letter");
  }
  return tokens;
}

char residue_letter(int64_t token) {
  return token >= 0 && token < 20 ? kAminoAcids[token] : 'X';
}

}  // namespace tessera::sequence
