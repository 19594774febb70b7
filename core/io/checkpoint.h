#pragma once
// One HDF5 file per checkpoint: every tensor as a dataset under its name (module path, e.g.
// "trunk/blocks/3/attn/qkv/weight"; optimizer moments under "optimizer/"), each with a CRC-32 of
// its bytes, plus the step, the RNG states, the architecture and the run's config as attributes
// of the root group. Readable by h5py without Tessera.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/nn/module.h"
#include "core/util/rng.h"

namespace tessera::io {

struct CheckpointMeta {
  std::string architecture;  // what the tensors describe, e.g. "text/language_model"
  std::string config;        // the run's effective config (YAML)
  int64_t step = 0;
  std::map<std::string, Generator> rng;  // every generator of the run, by role
  std::map<std::string, std::string> attributes;  // what else a domain keeps with its weights
};

struct StoredTensor {
  std::string name;
  Shape shape;
  DType dtype;
};

void save_checkpoint(const std::string& path, const nn::NamedTensors& tensors, const CheckpointMeta& meta);

// Reads the metadata and the list of stored tensors (no tensor data).
CheckpointMeta read_checkpoint_meta(const std::string& path);
std::vector<StoredTensor> list_checkpoint_tensors(const std::string& path);

// Copies every stored tensor into the tensor of the same name. The names, shapes, dtypes and
// checksums must all match; otherwise CheckpointError says exactly what differs. Stored tensors
// whose names start with one of `skip_prefixes` (e.g. "optimizer/" for inference) are not expected.
CheckpointMeta load_checkpoint(const std::string& path, const nn::NamedTensors& tensors,
                               const std::vector<std::string>& skip_prefixes = {});

// Copies the stored tensors named in `tensors` (each checked as load_checkpoint does) and ignores
// the rest of the file: how a fine-tuned model takes what it shares with another checkpoint.
void load_tensors(const std::string& path, const nn::NamedTensors& tensors);

// "crc32:<8 hex digits>" of the file's bytes: what a fine-tuned run records of the checkpoint it
// was built on, so a base that changed since is refused.
std::string checkpoint_checksum(const std::string& path);

}  // namespace tessera::io
