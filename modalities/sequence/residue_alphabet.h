#pragma once
// Protein sequences as integer residue tokens: the 20 standard amino acids, X for anything else,
// then the two tokens that exist only inside models (mask for the masked-residue objective and
// pad for batches of unequal chains).
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::sequence {

inline constexpr const char* kAminoAcids = "ACDEFGHIKLMNPQRSTVWY";
inline constexpr int64_t kUnknownResidue = 20;  // X
inline constexpr int64_t kMaskToken = 21;
inline constexpr int64_t kPadToken = 22;
inline constexpr int64_t kResidueVocab = 23;        // rows of the residue embedding
inline constexpr int64_t kPredictedResidues = 21;   // classes of the masked-residue head (20 + X)

// The token of a one-letter code (case-insensitive); X, B, Z, J, U, O and '*'-free letters outside
// the 20 map to kUnknownResidue. Returns -1 for a character that is no residue letter at all.
int64_t residue_token(char letter);
// Tokens of a sequence; every character must be a letter (residue_token >= 0).
std::vector<int64_t> residue_tokens(const std::string& sequence);
char residue_letter(int64_t token);

}  // namespace tessera::sequence
