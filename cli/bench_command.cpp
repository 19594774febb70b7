#include <array>
#include <iostream>
#include <memory>

#include "bench/attention_benchmark.h"
#include "bench/gpt_benchmark.h"
#include "cli/commands.h"
#include "domains/plugin/flag_checks.h"

namespace tessera::cli {
namespace {

void add_attention_bench(CLI::App& bench, Action& action) {
  auto o = std::make_shared<bench::AttentionBenchOptions>();
  auto shape = std::make_shared<bench::AttentionShape>(bench::AttentionShape{8, 12, 1024, 64});
  CLI::App* attn = bench.add_subcommand(
      "attention", "Time fused attention forward, backward and both; prints one JSON line per shape with TFLOP/s");
  attn->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
  attn->add_option("--dtype", o->dtype, "Element type (default: bf16 on CUDA, f32 on the CPU)")
      ->check(CLI::IsMember({"f32", "bf16"}));
  // Any shape flag selects one shape (unset ones keep the GPT-2 values); none: the GPT-2 shape and
  // a long one (2 x 16 heads, T 4096, Dh 128).
  const std::array<CLI::Option*, 4> flags = {
      attn->add_option("--batch", shape->batch, "Batch size")->capture_default_str(),
      attn->add_option("--heads", shape->heads, "Attention heads")->capture_default_str(),
      attn->add_option("--seq", shape->seq, "Sequence length (queries and keys)")->capture_default_str(),
      attn->add_option("--head-dim", shape->head_dim, "Head dimension")->capture_default_str()};
  attn->add_flag("--causal", o->causal, "Causal mask (counts half the FLOPs)");
  attn->add_option("--warmup", o->warmup, "Untimed forward + backward passes")->capture_default_str();
  attn->add_option("--iters", o->iters, "Timed passes of each kind")->capture_default_str();
  attn->add_option("--threads", o->threads, "CPU threads (OpenMP and BLAS)")->capture_default_str();
  attn->add_option("--peak-tflops", o->peak_tflops, "Peak TFLOP/s that fraction_of_peak is relative to (CUDA)")
      ->capture_default_str();
  on_parsed(attn, action, o, [shape, flags](bench::AttentionBenchOptions options) {
    for (CLI::Option* flag : flags)
      if (flag->count() > 0) options.shapes = {*shape};
    for (const std::string& line : bench::run_attention_benchmark(options)) std::cout << line << std::endl;
    return 0;
  });
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto o = std::make_shared<bench::GptBenchOptions>();
  CLI::App* gpt = bench->add_subcommand(
      "gpt", "Train (with the trainer of `tessera train`) and time the GPT-2-style byte model of the PyTorch reference; prints one "
      "JSON line");
  gpt->add_option("--config", o->config,
                  "Model size: tiny (4x128, ctx 128, batch 16), small (6x384, ctx 256, batch 8) or gpt2-124m (12x768, "
                  "ctx 1024, vocab 50304: GPT-2's 50257 padded to a multiple of 64, batch 16)")
      ->check(CLI::IsMember({"tiny", "small", "gpt2-124m"}))
      ->capture_default_str();
  gpt->add_option("--threads", o->threads, "CPU threads (OpenMP and BLAS)")->capture_default_str();
  gpt->add_option("--seed", o->seed, "Seed for initialization and batch sampling")->capture_default_str();
  gpt->add_option("--warmup", o->warmup, "Steps excluded from timing")->capture_default_str();
  gpt->add_option("--train-steps", o->train_steps, "Training steps, warm-up included")->capture_default_str();
  gpt->add_option("--infer-steps", o->infer_steps, "Timed inference passes after warm-up")->capture_default_str();
  gpt->add_option("--data", o->data, "Text file, or directory of files, to train on (bytes)")->capture_default_str();
  gpt->add_option("--peak-gflops", o->peak_gflops,
                  "Peak GFLOP/s that MFU is relative to (0: 206 on the CPU, 670 for bf16; the GPU's dense peak for the precision)")
      ->capture_default_str();
  add_device_option(gpt, o->device)->capture_default_str();
  gpt->add_option("--precision", o->precision, "fp32; tf32: fp32 with TF32 matrix products (CUDA only); bf16: mixed precision (CPU: bf16 matrix products)")
      ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))
      ->capture_default_str();
  gpt->add_option("--val-batches", o->val_batches, "Validation batches")->capture_default_str();
  gpt->add_option("--log-every", o->log_every, "Print training progress every N steps to stderr (0: at the last step only)")
      ->capture_default_str();
  gpt->add_option("--resume", o->resume, "Continue from this checkpoint (parameters, optimizer, data order)");
  gpt->add_option("--save", o->save, "Write a checkpoint here after the training steps")->check(domains::output_file());
  on_parsed(gpt, action, o, [](const bench::GptBenchOptions& options) {
    std::cout << bench::run_gpt_benchmark(options) << std::endl;
    return 0;
  });
  add_attention_bench(*bench, action);
}

}  // namespace tessera::cli
