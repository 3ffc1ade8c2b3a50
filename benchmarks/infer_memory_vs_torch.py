#!/usr/bin/env python3
"""Inference peak memory (and speed) of monkpipe against PyTorch, measured in the same run.

For each network, runs `monkpipe bench --mode infer --json` and shared/bench/torch_baseline.py
--mode infer (PyTorch under torch.no_grad(), NCHW) one after the other, each in its own
process, and prints both peak RSS values (the whole process: weights, runtime and the
activations of the forward pass) and images/s, with the ratios monkpipe / PyTorch.

Usage: python3 benchmarks/infer_memory_vs_torch.py [--batch 32] [--size 224] [--only mobilenet_v2]
           [--monkpipe .build/release/monkpipe] [--iterations 3]
Needs: a release build of monkpipe, and torch + torchvision for the baseline.
"""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("MONKPIPE_SHARED_DIR", os.path.join(HERE, "..", "..", "shared"))
TORCH = os.path.join(SHARED, "bench", "torch_baseline.py")

# (monkpipe network, torchvision network). torchvision has no pre-activation ResNet (v2):
# its v1 of the same depth costs the same FLOPs and holds the same activations. It has no
# EfficientNet-Lite either: efficientnet_b0 is the nearest (Lite0 is B0 without
# squeeze-excitation and with ReLU6), so that row compares neighbours, not twins.
CASES = [("resnet18_v1", "resnet18"), ("resnet34_v1", "resnet34"), ("resnet50_v1", "resnet50"),
         ("resnet101_v1", "resnet101"), ("resnet18_v2", "resnet18"), ("resnet50_v2", "resnet50"),
         ("densenet121", "densenet121"), ("densenet169", "densenet169"), ("mobilenet_v2", "mobilenet_v2"),
         ("efficientnet_lite0", "efficientnet_b0")]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--monkpipe", default=os.path.join(HERE, "..", ".build", "release", "monkpipe"))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", action="append", help="a monkpipe network name (repeatable)")
    a = p.parse_args()
    if not os.path.exists(TORCH):
        sys.exit(f"PyTorch baseline not found at {TORCH}: set MONKPIPE_SHARED_DIR to the shared folder")
    if not os.path.exists(a.monkpipe):
        sys.exit(f"{a.monkpipe} not found: build it with `swift build -c release` or pass --monkpipe")
    print(f"| network | monkpipe peak RSS MB | PyTorch peak RSS MB | memory ratio | monkpipe img/s | PyTorch img/s | speed ratio |")
    print(f"|---|---|---|---|---|---|---|")
    for ours, theirs in CASES:
        if a.only and ours not in a.only:
            continue
        common = ["--size", str(a.size), "--batch", str(a.batch), "--threads", str(a.threads), "--mode", "infer"]
        m = run_json([a.monkpipe, "bench", "--model", ours, "--iterations", str(a.iterations), "--warmup", "1", "--json"] + common)
        t = run_json([sys.executable, TORCH, "--model", theirs, "--iters", str(a.iterations), "--warmup", "1"] + common)
        print(f"| {ours} (torch {theirs}) | {m['peak_rss_mb']:.0f} | {t['peak_rss_mb']:.0f} | "
              f"**{m['peak_rss_mb'] / t['peak_rss_mb']:.2f}** | {m['images_per_s']:.2f} | {t['images_per_s']:.2f} | "
              f"{m['images_per_s'] / t['images_per_s']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
