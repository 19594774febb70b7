#!/usr/bin/python3
"""Reference CPU training workload: byte-level GPT (decoder-only Transformer) in PyTorch.

A copy of ../shared/reference/torch_ref.py with one addition: --precision bf16 runs the forward
passes (and so the backward passes of their matrix products) under
torch.autocast("cpu", dtype=torch.bfloat16), PyTorch's own CPU mixed precision, for the bf16 rows
of bench/compare_with_torch.sh; MFU is then relative to the bf16 peak (--peak-gflops).

Run with Debian's interpreter (python3-torch 1.13 lives there, not in pyenv):
    /usr/bin/python3 bench/torch_ref.py --config tiny
    /usr/bin/python3 bench/torch_ref.py --config small
    /usr/bin/python3 bench/torch_ref.py --config tiny --train-steps 200   # loss sanity reference

Prints one JSON line (last line of stdout) with tokens_per_s_train, tokens_per_s_infer,
peak_rss_mb, mfu and supporting fields.

Model (GPT-2 style, all float32):
  tok emb (V x C, tied with LM head) + learned pos emb (T x C)
  L x [ x += attn(LN1(x)); x += mlp(LN2(x)) ]   (pre-LayerNorm, eps 1e-5, with biases)
    attn: Linear(C,3C) -> H causal heads, softmax(q k^T / sqrt(C/H)) v -> Linear(C,C)
    mlp:  Linear(C,4C) -> GELU (tanh approximation) -> Linear(4C,C)
  final LN -> logits = x @ wte^T (no bias) -> cross-entropy vs next byte
  init: N(0, 0.02) for all weights/embeddings, residual-output projections N(0, 0.02/sqrt(2L)),
        biases 0, LN gain 1. No dropout.
Optimizer: torch.optim.AdamW(lr=3e-4, betas=(0.9, 0.999), eps=1e-8), weight decay 0.1 on
  every parameter with dim >= 2 (linear weights, wte, wpe), 0 on biases and LN params.
  Constant LR, no grad clipping, no warmup schedule.
Data: bytes of the regular files in /usr/share/common-licenses (symlinks skipped), sorted by
  name, concatenated; first 90% train, last 10% val. Batches of random windows drawn from a
  torch.Generator seeded with --seed.
Contention: bg_cpu_frac_* = share of the machine's CPU time used by other processes (incl.
  steal) during the timed window, from /proc/stat; on a quiet machine it is ~0.00-0.02.
Threads: --threads sets torch's OpenMP threads; fp32 GEMMs go to OpenBLAS (libblas.so.3), whose
  pool follows OPENBLAS_NUM_THREADS (default: all cores) - reported as openblas_threads.
Timing: one training step = zero_grad + forward + loss + backward + optimizer.step, timed with
  time.perf_counter; the first --warmup steps are excluded and the median of the rest is
  reported. Inference = forward pass to logits (B,T,V) under torch.no_grad(), same batch shape,
  --warmup + --infer-steps calls, median of the timed ones.
MFU: PaLM / llm.c convention. Training FLOPs/token = 6*N + 12*L*C*T (N = all parameters, the
  tied embedding counted once; attention term counts the full T x T score matrix). Inference
  FLOPs/token = one third of that. Divided by --peak-gflops (measured 2-thread OpenBLAS SGEMM
  best, see BASELINES.md).
"""
import argparse
import glob
import hashlib
import json
import math
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    # vocab, ctx, layers, d_model, heads, batch
    "tiny": dict(vocab=256, ctx=128, n_layer=4, d_model=128, n_head=4, batch=16),
    "small": dict(vocab=256, ctx=256, n_layer=6, d_model=384, n_head=6, batch=8),
}

# Best measured 2-thread OpenBLAS cblas_sgemm GFLOP/s on this machine (bench/sgemm.c, n=2048).
DEFAULT_PEAK_GFLOPS = 206.0
# bf16: the fp32 peak times the bf16/fp32 ratio of the best 2-thread GEMMs at n=2048 that
# Tessera's bench/gemm_peak measured on this machine (514.5 / 159.1 GFLOP/s, oneDNN vs OpenBLAS).
DEFAULT_PEAK_GFLOPS_BF16 = 670.0


class Block(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.n_head = H
        self.ln1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.attn_proj = nn.Linear(C, C)
        self.ln2 = nn.LayerNorm(C)
        self.fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def attn(self, x, mask):
        B, T, C = x.shape
        H = self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, H, C // H).transpose(1, 2)  # (B,H,T,hs)
        k = k.view(B, T, H, C // H).transpose(1, 2)
        v = v.view(B, T, H, C // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // H))
        att = att.masked_fill(mask[:T, :T], float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.attn_proj(y)

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask)
        x = x + self.mlp_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))
        return x


class GPT(nn.Module):
    def __init__(self, vocab, ctx, n_layer, d_model, n_head):
        super().__init__()
        self.wte = nn.Embedding(vocab, d_model)
        self.wpe = nn.Embedding(ctx, d_model)
        self.blocks = nn.ModuleList([Block(d_model, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        # True above the diagonal = masked (future positions)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), 1), persistent=False)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif ".ln" in name or name.startswith("ln_f"):
                nn.init.ones_(p)
            elif name.endswith("attn_proj.weight") or name.endswith("mlp_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layer))
            else:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        pos = torch.arange(T, dtype=torch.long)
        x = self.wte(idx) + self.wpe(pos)
        for blk in self.blocks:
            x = blk(x, self.mask)
        x = self.ln_f(x)
        logits = x @ self.wte.weight.t()  # tied LM head
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


def load_bytes(pattern):
    files = sorted(f for f in glob.glob(pattern) if os.path.isfile(f) and not os.path.islink(f))
    raw = b"".join(open(f, "rb").read() for f in files)
    return raw, files


def openblas_threads():
    """Thread count of the OpenBLAS that torch's sgemm_ resolves to (None if not OpenBLAS)."""
    try:
        import ctypes
        return ctypes.CDLL("libopenblas.so.0").openblas_get_num_threads()
    except (OSError, AttributeError):
        return None


def cpu_snapshot():
    """(busy ticks of the whole machine, total ticks, steal ticks, this process's ticks)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    t = os.times()
    hz = os.sysconf("SC_CLK_TCK")
    return sum(v) - v[3] - v[4], sum(v), v[7], (t.user + t.system) * hz


def foreign_load(a, b):
    """Fraction of all CPU capacity used by other processes (and steal) between snapshots."""
    total = max(1, b[1] - a[1])
    return max(0.0, ((b[0] - a[0]) - (b[3] - a[3])) / total), (b[2] - a[2]) / total


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # ru_maxrss is KiB on Linux


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=sorted(CONFIGS), default="tiny")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--train-steps", type=int, default=23, help="total training steps incl. warm-up")
    ap.add_argument("--infer-steps", type=int, default=20, help="timed forward passes (after warm-up)")
    ap.add_argument("--data", default="/usr/share/common-licenses/*")
    ap.add_argument("--peak-gflops", type=float, default=0.0,
                    help=f"0: {DEFAULT_PEAK_GFLOPS} for fp32, {DEFAULT_PEAK_GFLOPS_BF16} for bf16")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--val-batches", type=int, default=8)
    ap.add_argument("--log-every", type=int, default=0, help="print train loss every N steps to stderr")
    args = ap.parse_args()
    if args.peak_gflops <= 0:
        args.peak_gflops = DEFAULT_PEAK_GFLOPS_BF16 if args.precision == "bf16" else DEFAULT_PEAK_GFLOPS
    autocast = lambda: torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = CONFIGS[args.config]
    V, T, L, C, H, B = (cfg[k] for k in ("vocab", "ctx", "n_layer", "d_model", "n_head", "batch"))

    raw, files = load_bytes(args.data)
    data = torch.frombuffer(bytearray(raw), dtype=torch.uint8).long()
    n_train = int(0.9 * len(data))
    train, val = data[:n_train], data[n_train:]
    gen = torch.Generator().manual_seed(args.seed)

    def get_batch(split, g):
        src = train if split == "train" else val
        ix = torch.randint(len(src) - T - 1, (B,), generator=g)
        x = torch.stack([src[i : i + T] for i in ix])
        y = torch.stack([src[i + 1 : i + 1 + T] for i in ix])
        return x, y

    rss_before_model = rss_mb()
    model = GPT(V, T, L, C, H)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=3e-4, betas=(0.9, 0.999), eps=1e-8,
    )

    # ---- training ----
    model.train()
    step_times, losses = [], []
    snap0 = cpu_snapshot()
    for step in range(args.train_steps):
        if step == args.warmup:
            snap0 = cpu_snapshot()
        x, y = get_batch("train", gen)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with autocast():
            _, loss = model(x, y)
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        step_times.append(dt)
        losses.append(loss.item())
        if args.log_every and (step % args.log_every == 0 or step == args.train_steps - 1):
            print(f"step {step + 1:5d} loss {losses[-1]:.4f} {dt * 1e3:.1f} ms", file=sys.stderr)
    bg_train, steal_train = foreign_load(snap0, cpu_snapshot())
    timed = step_times[args.warmup:] or step_times
    t_train = statistics.median(timed)

    # ---- validation loss (fixed val batches, own generator) ----
    model.eval()
    vgen = torch.Generator().manual_seed(1234)
    with torch.no_grad(), autocast():
        val_loss = statistics.fmean(model(*get_batch("val", vgen))[1].item() for _ in range(args.val_batches))

    # ---- inference (forward only) ----
    x, _ = get_batch("train", gen)
    infer_times = []
    with torch.no_grad(), autocast():
        for i in range(args.warmup + args.infer_steps):
            if i == args.warmup:
                snap0 = cpu_snapshot()
            t0 = time.perf_counter()
            logits, _ = model(x)
            infer_times.append(time.perf_counter() - t0)
    bg_infer, _ = foreign_load(snap0, cpu_snapshot())
    t_infer = statistics.median(infer_times[args.warmup:])

    tokens = B * T
    flops_tok_train = 6 * n_params + 12 * L * C * T
    flops_tok_infer = flops_tok_train / 3
    tps_train = tokens / t_train
    tps_infer = tokens / t_infer
    out = {
        "config": args.config,
        "tokens_per_s_train": round(tps_train, 1),
        "tokens_per_s_infer": round(tps_infer, 1),
        "peak_rss_mb": round(rss_mb(), 1),
        "mfu": round(tps_train * flops_tok_train / (args.peak_gflops * 1e9), 4),
        "mfu_infer": round(tps_infer * flops_tok_infer / (args.peak_gflops * 1e9), 4),
        "train_step_ms_median": round(t_train * 1e3, 2),
        "train_step_ms_min": round(min(timed) * 1e3, 2),
        "infer_ms_median": round(t_infer * 1e3, 2),
        "achieved_gflops_train": round(tps_train * flops_tok_train / 1e9, 1),
        "n_params": n_params,
        "flops_per_token_train": flops_tok_train,
        "tokens_per_step": tokens,
        "train_steps": args.train_steps,
        "warmup": args.warmup,
        "loss_first": round(losses[0], 4),
        "loss_last": round(losses[-1], 4),
        "loss_last10_mean": round(statistics.fmean(losses[-10:]), 4),
        "val_loss": round(val_loss, 4),
        "rss_before_model_mb": round(rss_before_model, 1),
        "threads": torch.get_num_threads(),
        "openblas_threads": openblas_threads(),
        "bg_cpu_frac_train": round(bg_train, 3),
        "bg_cpu_frac_infer": round(bg_infer, 3),
        "steal_frac_train": round(steal_train, 3),
        "peak_gflops": args.peak_gflops,
        "precision": args.precision,
        "seed": args.seed,
        "data_bytes": len(raw),
        "data_files": len(files),
        "data_sha256": hashlib.sha256(raw).hexdigest()[:16],
        "torch": torch.__version__,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
