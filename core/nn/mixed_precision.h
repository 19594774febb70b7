#pragma once
// bf16 mixed precision. On CUDA the parameters stay fp32 masters, which the optimizer updates.
// Inside a Bf16Scope every parameter's storage is swapped for a bf16 copy of its value, so the
// forward and backward passes run in bf16 (the ops accumulate in fp32); end() casts the bf16
// gradients to fp32, adds them to the masters' gradients and swaps the masters back. Gradient
// accumulation over micro-batches therefore sums in fp32. On the CPU everything stays fp32 except
// the operands of matrix products, which round to bf16 (ops::cpu_bf16_matmul): the CPU ops have
// no other bf16 kernels, and that is where the time goes.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/nn/module.h"

namespace tessera::nn {

// fp32; tf32: fp32 everywhere except CUDA matrix products, whose inputs round to TF32
// (core/ops/matmul_precision.h); bf16: the mixed precision above.
enum class Precision { fp32, tf32, bf16 };
// "fp32", "tf32" or "bf16"; a ConfigError naming `where` otherwise.
Precision parse_precision(const std::string& text, const std::string& where);
std::string precision_name(Precision precision);
// tf32 runs on CUDA devices only: a ConfigError naming `where` on the CPU.
void require_device_for(Precision precision, Device device, const std::string& where);
// Sets how this process's matrix products round (core/ops/matmul_precision.h) for a run in
// `precision` on `device`, and returns the precision in effect: fp32 where bf16 is asked of a CPU
// without bf16 dot products (AVX512-BF16 or AMX), after one line saying so on `notes` (none when
// null: the other ranks of a distributed run; said once per process).
Precision use_precision(Precision precision, Device device, std::ostream* notes);

class Bf16Scope {
 public:
  // Precision fp32 or tf32, or a model on the CPU, makes an inert scope, so callers need no branch.
  Bf16Scope(Module& model, Precision precision);
  // Leaving without end() (an exception) restores the masters and drops the bf16 gradients.
  ~Bf16Scope();
  Bf16Scope(const Bf16Scope&) = delete;
  Bf16Scope& operator=(const Bf16Scope&) = delete;
  void end();

 private:
  struct Master {
    Tensor param;
    std::shared_ptr<Storage> storage;
    int64_t offset;
    std::shared_ptr<TensorImpl> grad;
    bool grad_owned;
  };
  void restore();
  std::vector<Master> masters_;
};

}  // namespace tessera::nn
