#pragma once
// The protein structure model: residue tokens -> shared trunk -> pair representation (projected
// states of residue i plus those of residue j plus a relative-position embedding: exact to +-32,
// then log-spaced buckets) -> a small stack of residual pair MLPs -> heads:
//   distogram  [B, L, L, 64]  C-beta distance bins (symmetric in i, j)
//   pLDDT      [B, L, 50]     per-residue lDDT-C-alpha bins of the model's own distances
//   residues   [B, L, 21]     the masked-residue objective
// The pair stack works on each pair alone (no triangle updates), so a 1,000-residue chain costs
// a few pair-sized tensors and stays cheap on a CPU.
#include <memory>
#include <vector>

#include "core/nn/transformer.h"
#include "modalities/sequence/residue_embedding.h"

namespace tessera::protein {

inline constexpr int64_t kPlddtBins = 50;

struct StructureModelConfig {
  nn::TrunkConfig trunk;
  int64_t pair_dim = 32;
  int64_t pair_layers = 2;
  int64_t max_relative_position = 32;
  // Log-spaced buckets per direction for separations from max_relative_position to
  // long_range_limit (longer ones share the last); 0 clips every longer separation to the last
  // exact one. Keep the limit within the training crop, or the far buckets are never trained.
  int64_t long_range_buckets = 0;
  int64_t long_range_limit = 128;
};

// The relative-position embedding row of residue j seen from residue i (offset j - i).
int64_t relative_position_row(int64_t offset, const StructureModelConfig& config);
// Rows of the relative-position embedding.
int64_t relative_position_rows(const StructureModelConfig& config);

struct StructureOutputs {
  Tensor distogram_logits;  // [B, L, L, 64]
  Tensor plddt_logits;      // [B, L, 50]
  Tensor residue_logits;    // [B, L, 21]
};

// Pre-norm residual MLP applied to every pair.
class PairBlock : public nn::Module {
 public:
  explicit PairBlock(int64_t pair_dim);
  Tensor forward(const Tensor& pair) const;
  nn::Norm norm;
  nn::Linear fc;
  nn::Linear proj;
};

class StructureModel : public nn::Module {
 public:
  explicit StructureModel(const StructureModelConfig& config);
  // tokens [B, L] residue tokens (pad where a chain is shorter than L)
  StructureOutputs forward(const Tensor& tokens) const;
  const StructureModelConfig& config() const { return config_; }

  sequence::ResidueEmbedding residues;
  nn::Trunk trunk;
  nn::Linear residue_head;
  nn::Linear left;
  nn::Linear right;
  nn::Embedding relative_position;
  std::vector<std::unique_ptr<PairBlock>> pair_blocks;
  nn::Norm pair_norm;
  nn::Linear distogram_head;
  nn::Linear plddt_head;

 private:
  Tensor relative_positions(int64_t length) const;
  StructureModelConfig config_;
};

// Initializes every parameter (GPT-2 scheme for the trunk and the projections alike).
void initialize_structure_model(StructureModel& model, uint64_t seed);

}  // namespace tessera::protein
