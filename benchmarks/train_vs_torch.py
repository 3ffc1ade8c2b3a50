#!/usr/bin/env python3
"""Training speed and peak memory of monkpipe against PyTorch, measured in the same run.

For each model, runs `monkpipe bench --mode train --json` and torch_baseline.py (beside this file)
(NCHW and channels_last) alternately, `--rounds` times (every other round in the opposite order),
and prints every measurement, the median of each, and the ratios monkpipe / PyTorch. Alternating means a change in machine
load hits both sides alike; the load average is printed with each round.

Usage: python3 benchmarks/train_vs_torch.py [--monkpipe .build/release/monkpipe]
           [--rounds 2] [--iterations 10] [--only resnet18_v1 [densenet121 …]] [--batch 16 [4 8 …]]
Needs: a release build of monkpipe, and `pip install torch torchvision` for the baseline.
"""
import os, statistics

from benchcommon import bench, parse, parser, torch_baseline

# (monkpipe network, torchvision network, size). resnet50_v2 is compared with torchvision's
# resnet50 (v1): torchvision has no pre-activation ResNet, and the two cost the same FLOPs.
CASES = [("resnet18_v1", "resnet18", 128), ("resnet50_v2", "resnet50", 224), ("densenet121", "densenet121", 224)]
ORDER = ("monkpipe", "torch NCHW", "torch channels_last")


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--batch", type=int, nargs="+", default=[16], help="one or more batch sizes")
    p.add_argument("--only", nargs="+", help="monkpipe network names")
    a = parse(p)
    for (ours, theirs, size), batch in ((c, b) for c in CASES for b in a.batch):
        if a.only and ours not in a.only:
            continue
        rows = {"monkpipe": [], "torch NCHW": [], "torch channels_last": []}
        for r in range(a.rounds):
            load = os.getloadavg()[0]
            # Odd rounds run in the opposite order: on a shared machine the later runs of a round
            # are often faster (or slower) than the first, and that must not favour one engine.
            for label in (ORDER if r % 2 == 0 else ORDER[::-1]):
                if label == "monkpipe":
                    m = bench(a, ours, size, batch, "train", a.iterations)
                else:
                    extra = ["--channels-last"] if label == "torch channels_last" else []
                    m = torch_baseline(a, theirs, size, batch, "train", a.iterations, extra)
                rows[label].append((m["images_per_s"], m["peak_rss_mb"]))
            print(f"{ours} {size}px batch {batch} round {r + 1} (load {load:.1f}): "
                  + ", ".join(f"{k} {v[-1][0]:.2f} img/s {v[-1][1]:.0f} MB" for k, v in rows.items()), flush=True)
        med = {k: (statistics.median(x for x, _ in v), statistics.median(y for _, y in v)) for k, v in rows.items()}
        ours_speed, ours_mem = med["monkpipe"]
        for label in ("torch NCHW", "torch channels_last"):
            speed, mem = med[label]
            print(f"  {ours} batch {batch} vs {label}: speed ratio {ours_speed / speed:.2f} ({ours_speed:.2f} / {speed:.2f} img/s), "
                  f"memory ratio {ours_mem / mem:.2f} ({ours_mem:.0f} / {mem:.0f} MB)")


if __name__ == "__main__":
    main()
