// What a fine-tuned model takes from its base (core/task/base_checkpoint.h): everything that
// matches from a checkpoint of its own architecture, its part of a multi-domain checkpoint with the
// shared trunk, only the trunk from anything else, and one error when the trunk does not fit.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/task/base_checkpoint.h"
#include "core/task/model_parts.h"
#include "core/util/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

// A domain model in miniature: a trunk and a head.
class TinyModel : public nn::Module {
 public:
  explicit TinyModel(int64_t d_model, int64_t targets) : trunk(trunk_config(d_model)), head(d_model, targets) {
    register_module("trunk", trunk);
    register_module("head", head);
  }
  static nn::TrunkConfig trunk_config(int64_t d_model) {
    nn::TrunkConfig c;
    c.d_model = d_model;
    c.n_layer = 1;
    c.n_head = 2;
    c.max_positions = 4;
    return c;
  }
  nn::Trunk trunk;
  nn::Linear head;
};

void fill(nn::Module& m, float value) {
  for (auto& [name, t] : m.named_parameters()) t.fill_(value);
}

std::set<std::string> names_with_prefix(const nn::NamedTensors& params, const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& [name, t] : params)
    if (name.rfind(prefix, 0) == 0) out.insert(name);
  return out;
}

std::set<std::string> layer_names(const nn::NamedTensors& params) {
  std::set<std::string> out = names_with_prefix(params, "trunk/blocks/");
  for (const std::string& n : names_with_prefix(params, "trunk/ln_f/")) out.insert(n);
  return out;
}

// A multi-domain checkpoint with part "mol" (architecture "x/property") of `source`: its own
// tensors under "mol/...", the trunk's layers shared under their own names.
void save_multi(const std::string& path, const TinyModel& source) {
  nn::NamedTensors stored;
  for (const auto& [name, t] : source.named_parameters())
    stored.emplace_back(name.rfind("trunk/blocks/", 0) == 0 || name.rfind("trunk/ln_f/", 0) == 0 ? name : "mol/" + name, t);
  io::CheckpointMeta meta;
  meta.architecture = kMultiDomainArchitecture;
  meta.config = "{}";
  meta.attributes["parts"] = model_parts_json({{"mol", "x/property"}});
  io::save_checkpoint(path, stored, meta);
}

TEST(BaseCheckpoint, SameArchitectureGivesEveryMatchingTensorOtherOnlyTheTrunk) {
  test_support::ScratchDir dir;
  TinyModel source(8, 3);
  fill(source, 0.5f);
  io::CheckpointMeta meta;
  meta.architecture = "x/property";
  meta.config = "{}";
  const std::string path = (dir / "base.h5").string();
  io::save_checkpoint(path, source.named_parameters(), meta);

  TinyModel same(8, 3), other_head(8, 5);
  const nn::NamedTensors params = same.named_parameters();
  const std::set<std::string> trunk = names_with_prefix(params, "trunk/"), layers = layer_names(params);
  const BaseMatch all = match_base(path, "x/property", params, trunk, layers);
  EXPECT_EQ(all.names.size(), params.size());
  load_base(path, all);
  for (double v : same.head.weight.to_doubles()) EXPECT_EQ(v, 0.5);

  // A new head (5 targets, not 3) stays fresh; the trunk loads.
  const nn::NamedTensors other = other_head.named_parameters();
  const BaseMatch partial = match_base(path, "x/property", other, names_with_prefix(other, "trunk/"), layer_names(other));
  EXPECT_EQ(partial.names.size(), other.size() - 2);
  EXPECT_EQ(names_with_prefix(other, "head/").count(partial.names.back()), 0u);

  // Another architecture: the trunk only, even where a head would fit.
  const BaseMatch foreign = match_base(path, "y/other", params, trunk, layers);
  EXPECT_EQ(std::set<std::string>(foreign.names.begin(), foreign.names.end()), trunk);
}

TEST(BaseCheckpoint, MultiDomainCheckpointGivesItsPartOrTheSharedTrunk) {
  test_support::ScratchDir dir;
  TinyModel source(8, 3);
  fill(source, 0.25f);
  const std::string path = (dir / "multi.h5").string();
  save_multi(path, source);

  TinyModel mine(8, 3);
  const nn::NamedTensors params = mine.named_parameters();
  const std::set<std::string> trunk = names_with_prefix(params, "trunk/"), layers = layer_names(params);
  const BaseMatch part = match_base(path, "x/property", params, trunk, layers);
  EXPECT_EQ(part.names.size(), params.size());  // the part's head and positions, the shared layers
  load_base(path, part);
  for (double v : mine.head.weight.to_doubles()) EXPECT_EQ(v, 0.25);
  for (double v : mine.trunk.ln_f->weight.to_doubles()) EXPECT_EQ(v, 0.25);

  const BaseMatch shared = match_base(path, "y/other", params, trunk, layers);
  EXPECT_EQ(std::set<std::string>(shared.names.begin(), shared.names.end()), layers);
}

TEST(BaseCheckpoint, ATrunkOfAnotherShapeIsOneErrorNamingTheBase) {
  test_support::ScratchDir dir;
  TinyModel source(8, 3);
  io::CheckpointMeta meta;
  meta.architecture = "x/property";
  meta.config = "{}";
  const std::string path = (dir / "base.h5").string();
  io::save_checkpoint(path, source.named_parameters(), meta);
  TinyModel wider(16, 3);
  const nn::NamedTensors params = wider.named_parameters();
  try {
    match_base(path, "x/property", params, names_with_prefix(params, "trunk/"), layer_names(params));
    FAIL() << "a trunk of width 16 loaded from one of width 8";
  } catch (const CheckpointError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find("its trunk differs: 'trunk/blocks/0/ln1/weight' is [8] f32 there but [16] f32"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tessera
