#pragma once
// Finding where a NaN or an infinity sits, for the message that stops a diverging run.
#include <optional>
#include <string>

#include "core/nn/module.h"
#include "core/util/error.h"

namespace tessera::training {

// A run that diverged: its config (learning rate, warm-up) or data are at fault, not the code,
// so it ends like other bad input (exit code 2).
class DivergedError : public InputError {
 public:
  explicit DivergedError(const std::string& what) : InputError("", what) {}
};

enum class Holder { values, gradients };

// "<name> holds NaN" (or "... holds an infinite value") for the first tensor, in order, whose
// values or gradients are not all finite; nothing when all are.
std::optional<std::string> first_non_finite(const nn::NamedTensors& tensors, Holder holder);

}  // namespace tessera::training
