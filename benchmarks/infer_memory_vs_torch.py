#!/usr/bin/env python3
"""Inference peak memory (and speed) of monkpipe against PyTorch, measured in the same run.

For each network, runs `monkpipe bench --mode infer --json` and torch_baseline.py (beside this
file) with --mode infer (PyTorch under torch.no_grad(), NCHW) one after the other, each in its own
process, and prints both peak RSS values (the whole process: weights, runtime and the
activations of the forward pass) and images/s, with the ratios monkpipe / PyTorch.

Usage: python3 benchmarks/infer_memory_vs_torch.py [--batch 32] [--size 224] [--only mobilenet_v2]
           [--monkpipe .build/release/monkpipe] [--iterations 3]
Needs: a release build of monkpipe, and torch + torchvision for the baseline.
"""
from benchcommon import bench, parse, parser, torch_baseline

# (monkpipe network, torchvision network). torchvision has no pre-activation ResNet (v2):
# its v1 of the same depth costs the same FLOPs and holds the same activations. It has no
# EfficientNet-Lite either: efficientnet_b0 is the nearest (Lite0 is B0 without
# squeeze-excitation and with ReLU6), so those rows compare neighbours, not twins (Lite1 and
# Lite2 against B1 and B2, whose width and depth multipliers they share).
CASES = [("resnet18_v1", "resnet18"), ("resnet34_v1", "resnet34"), ("resnet50_v1", "resnet50"),
         ("resnet101_v1", "resnet101"), ("resnet18_v2", "resnet18"), ("resnet50_v2", "resnet50"),
         ("densenet121", "densenet121"), ("densenet169", "densenet169"), ("mobilenet_v2", "mobilenet_v2"),
         ("efficientnet_lite0", "efficientnet_b0"), ("efficientnet_lite1", "efficientnet_b1"),
         ("efficientnet_lite2", "efficientnet_b2")]


def main():
    p = parser(__doc__)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--only", action="append", help="a monkpipe network name (repeatable)")
    a = parse(p)
    print(f"| network | monkpipe peak RSS MB | PyTorch peak RSS MB | memory ratio | monkpipe img/s | PyTorch img/s | speed ratio |")
    print(f"|---|---|---|---|---|---|---|")
    for ours, theirs in CASES:
        if a.only and ours not in a.only:
            continue
        m = bench(a, ours, a.size, a.batch, "infer", a.iterations, extra=["--warmup", "1"])
        t = torch_baseline(a, theirs, a.size, a.batch, "infer", a.iterations, extra=["--warmup", "1"])
        print(f"| {ours} (torch {theirs}) | {m['peak_rss_mb']:.0f} | {t['peak_rss_mb']:.0f} | "
              f"**{m['peak_rss_mb'] / t['peak_rss_mb']:.2f}** | {m['images_per_s']:.2f} | {t['images_per_s']:.2f} | "
              f"{m['images_per_s'] / t['images_per_s']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
