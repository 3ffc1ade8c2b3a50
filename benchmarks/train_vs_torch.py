#!/usr/bin/env python3
"""Training speed and peak memory of monkpipe against PyTorch, measured in the same run.

For each model, runs `monkpipe bench --mode train --json` and torch_baseline.py (beside this file)
(NCHW and channels_last) alternately, `--rounds` times, and prints every measurement, the
median of each, and the ratios monkpipe / PyTorch. Alternating means a change in machine
load hits both sides alike; the load average is printed with each round.

Usage: python3 benchmarks/train_vs_torch.py [--monkpipe .build/release/monkpipe]
           [--rounds 2] [--iterations 10] [--only resnet18_v1 [densenet121 …]] [--batch 16 [4 8 …]]
Needs: a release build of monkpipe, and `pip install torch torchvision` for the baseline.
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH = os.path.join(HERE, "torch_baseline.py")

# (monkpipe network, torchvision network, size). resnet50_v2 is compared with torchvision's
# resnet50 (v1): torchvision has no pre-activation ResNet, and the two cost the same FLOPs.
CASES = [("resnet18_v1", "resnet18", 128), ("resnet50_v2", "resnet50", 224), ("densenet121", "densenet121", 224)]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--monkpipe", default=os.path.join(HERE, "..", ".build", "release", "monkpipe"))
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--batch", type=int, nargs="+", default=[16], help="one or more batch sizes")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", nargs="+", help="monkpipe network names")
    a = p.parse_args()
    if not os.path.exists(a.monkpipe):
        sys.exit(f"{a.monkpipe} not found: build it with `swift build -c release` or pass --monkpipe")
    for (ours, theirs, size), batch in ((c, b) for c in CASES for b in a.batch):
        if a.only and ours not in a.only:
            continue
        rows = {"monkpipe": [], "torch NCHW": [], "torch channels_last": []}
        for r in range(a.rounds):
            load = os.getloadavg()[0]
            m = run_json([a.monkpipe, "bench", "--model", ours, "--size", str(size), "--batch", str(batch),
                          "--mode", "train", "--iterations", str(a.iterations), "--threads", str(a.threads), "--json"])
            rows["monkpipe"].append((m["images_per_s"], m["peak_rss_mb"]))
            for label, extra in (("torch NCHW", []), ("torch channels_last", ["--channels-last"])):
                t = run_json([sys.executable, TORCH, "--model", theirs, "--size", str(size), "--batch", str(batch),
                              "--iters", str(a.iterations), "--threads", str(a.threads)] + extra)
                rows[label].append((t["images_per_s"], t["peak_rss_mb"]))
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
