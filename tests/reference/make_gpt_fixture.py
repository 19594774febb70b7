#!/usr/bin/python3
"""Writes the PyTorch golden fixture that tests/golden/gpt_golden_test.cpp checks Tessera against.

Run with Debian's interpreter (python3-torch and python3-h5py live there, not in pyenv), from
the repository root:
    /usr/bin/python3 tests/reference/make_gpt_fixture.py

The model is the GPT-2 of the CPU reference workload (pre-LN, tanh GELU, learned positions, LM
head tied to the token embedding, LayerNorm eps 1e-5), imported from the repository's copy of
that workload, bench/torch_ref.py. Outputs, both deterministic:

  tests/golden/gpt_fixture_weights.h5  the initial weights as a Tessera checkpoint
      (core/io/checkpoint.h), under Tessera's parameter names, so that io::load_checkpoint
      fills a text::LanguageModel with them directly.
  tests/golden/gpt_fixture.h5          what Tessera must reproduce from those weights:
      x, y            int64 [B, T] inputs and next-token targets
      logits          f32 [B, T, V]
      loss            f32 scalar, mean cross-entropy
      grads/<name>    f32, d loss / d parameter after one backward, by Tessera name
      losses_adamw    f32 [10], loss before each of 10 AdamW steps on the same batch
      root attributes: the config, the optimizer settings and the torch version.
"""
import json
import os
import sys
import zlib

import h5py
import numpy as np
import torch

CONFIG = dict(vocab=64, ctx=16, n_layer=2, d_model=32, n_head=4, batch=2)
SEED = 0
ADAMW = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1)
ADAMW_STEPS = 10
# The GPT-2 init leaves biases at 0 and norm gains at 1, where a wrong bias or gain gradient (or a
# transposed bias) would go unnoticed; perturbing them makes every parameter matter.
NORM_GAIN_JITTER = 0.1
NORM_BIAS_JITTER = 0.1
LINEAR_BIAS_JITTER = 0.02

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "golden")
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
from torch_ref import GPT  # noqa: E402  (the path above first)


def tessera_name(torch_name):
    """PyTorch parameter name -> Tessera module path (text::LanguageModel::named_parameters)."""
    if torch_name == "wte.weight":
        return "token_embedding/weight"
    if torch_name == "wpe.weight":
        return "trunk/position_embedding"
    parts = torch_name.split(".")
    if parts[0] == "ln_f":
        return "trunk/ln_f/" + parts[1]
    assert parts[0] == "blocks" and len(parts) == 4, torch_name
    module = {"ln1": "ln1", "c_attn": "attn/qkv", "attn_proj": "attn/proj", "ln2": "ln2", "fc": "mlp/fc",
              "mlp_proj": "mlp/proj"}[parts[2]]
    return f"trunk/blocks/{parts[1]}/{module}/{parts[3]}"


def perturb(model):
    with torch.no_grad():
        for name, p in model.named_parameters():
            is_norm = ".ln" in name or name.startswith("ln_f")
            if is_norm and name.endswith("weight"):
                p.add_(torch.randn_like(p) * NORM_GAIN_JITTER)
            elif is_norm:
                p.add_(torch.randn_like(p) * NORM_BIAS_JITTER)
            elif name.endswith("bias"):
                p.add_(torch.randn_like(p) * LINEAR_BIAS_JITTER)


def write_dataset(group, name, array):
    # Contiguous, uncompressed and without timestamps: byte-identical files on every run.
    return group.create_dataset(name, data=array, track_times=False)


def write_checkpoint(path, tensors, config_json):
    """The Tessera checkpoint format of core/io/checkpoint.cpp (format_version 1)."""
    with h5py.File(path, "w", libver="earliest", track_order=False) as f:
        f.attrs["format"] = "tessera-checkpoint"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["architecture"] = "text/language_model"
        f.attrs["config"] = config_json
        f.attrs["step"] = np.int64(0)
        f.attrs["rng_state"] = "{}"
        for name, array in tensors:
            array = np.ascontiguousarray(array, dtype="<f4")
            ds = write_dataset(f, name, array)
            ds.attrs["dtype"] = "f32"
            ds.attrs["crc32"] = np.uint32(zlib.crc32(array.tobytes()))


def main():
    torch.set_num_threads(1)  # one reduction order, the same on every machine with this torch build
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    V, T, L, C, H, B = (CONFIG[k] for k in ("vocab", "ctx", "n_layer", "d_model", "n_head", "batch"))
    model = GPT(V, T, L, C, H)
    perturb(model)
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B, T))
    initial = [(tessera_name(n), p.detach().numpy().copy()) for n, p in model.named_parameters()]

    logits, loss = model(x, y)
    loss.backward()
    grads = [(tessera_name(n), p.grad.numpy().copy()) for n, p in model.named_parameters()]

    model.zero_grad(set_to_none=True)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": ADAMW["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=ADAMW["lr"], betas=(ADAMW["beta1"], ADAMW["beta2"]), eps=ADAMW["eps"],
    )
    losses = []
    for _ in range(ADAMW_STEPS):
        opt.zero_grad(set_to_none=True)
        _, step_loss = model(x, y)
        step_loss.backward()
        opt.step()
        losses.append(step_loss.item())

    config_json = json.dumps(
        {"vocab_size": V, "context": T, "trunk": {"d_model": C, "n_layer": L, "n_head": H, "position": "learned",
                                                   "norm": "layernorm", "activation": "gelu_tanh"}},
        sort_keys=True)
    write_checkpoint(os.path.join(GOLDEN, "gpt_fixture_weights.h5"), initial, config_json)

    with h5py.File(os.path.join(GOLDEN, "gpt_fixture.h5"), "w", libver="earliest", track_order=False) as f:
        for key, value in CONFIG.items():
            f.attrs[key] = np.int64(value)
        f.attrs["seed"] = np.int64(SEED)
        for key, value in ADAMW.items():
            f.attrs["adamw_" + key] = np.float64(value)
        f.attrs["adamw_steps"] = np.int64(ADAMW_STEPS)
        f.attrs["adamw_decay"] = "weight_decay on parameters with dim >= 2, none on the others"
        f.attrs["losses_adamw_meaning"] = "loss before each step: losses_adamw[0] is the initial loss"
        f.attrs["model"] = "GPT-2: pre-LN, tanh GELU, learned positions, tied LM head, LayerNorm eps 1e-5"
        f.attrs["weights"] = "gpt_fixture_weights.h5 (Tessera checkpoint)"
        f.attrs["torch_version"] = str(torch.__version__)
        write_dataset(f, "x", x.numpy().astype("<i8"))
        write_dataset(f, "y", y.numpy().astype("<i8"))
        write_dataset(f, "logits", logits.detach().numpy().astype("<f4"))
        write_dataset(f, "loss", np.float32(loss.item()))
        for name, g in grads:
            write_dataset(f, "grads/" + name, g.astype("<f4"))
        write_dataset(f, "losses_adamw", np.asarray(losses, dtype="<f4"))

    print(f"loss {loss.item():.6f}  losses_adamw[0] {losses[0]:.6f} -> [{ADAMW_STEPS - 1}] {losses[-1]:.6f}")


if __name__ == "__main__":
    main()
