#!/usr/bin/env python3
"""Where a real `monkpipe run` epoch spends CPU that `monkpipe bench` does not, by function.

run_vs_torch.py gives the run / bench ratio, but on a machine whose speed drifts between two
commands (a shared VM) that ratio mixes the pipeline's own cost with the machine's. This script
samples both with `perf record` (the cpu-clock software event, which VMs without hardware
counters still have) and compares CPU samples per image, function by function:
  - the matrix library's micro-kernel (`sgemm_kernel*`) does the same work per image in both,
    so its samples per image are a gauge of the machine's speed during each command;
  - functions with at least twice bench's share per image (or absent from bench) are what the
    pipeline adds: decoding, resizing, augmentation, the pixel cache, checksums, progress,
    checkpoints, the validation pass.
Per round, in this order: one epoch of `monkpipe run` from scratch in a fresh workspace on a
subset of the chest X-ray training folder (--images, of which --val-fraction held out), then
`monkpipe bench --mode train` at the same model, size and batch. A validation image counts as
1/3 of a training image (a forward without backward or optimizer step), so that both sides'
samples are per training-image equivalent; keep --val-fraction small so that the estimate
hardly matters.

Printed per round: samples per image of run and bench and their ratio; the GEMM kernel's
ratio (the machine's drift); the ratio of everything else; the CPU ratio divided by the GEMM
kernel's (what the run costs per image beyond its step, at the same machine speed); the
run-only share and its top functions. Then the medians.

Usage: python3 benchmarks/run_profile_vs_bench.py [--monkpipe .build/release/monkpipe]
           [--model resnet50_v2] [--images 1000] [--val-fraction 0.1] [--batch 4] [--size 224]
           [--rounds 2] [--iterations 60] [--frequency 250] [--workdir /tmp/monkpipe-run-profile]
Needs a release build of monkpipe and `perf` (Debian: linux-perf) allowed to sample this user's
processes (kernel.perf_event_paranoid ≤ 2). Data as run_vs_torch.py: $MONKPIPE_SHARED_DIR.
"""
import collections, json, os, re, shutil, statistics, subprocess, sys

from benchcommon import parse, parser
from run_vs_torch import PIPELINE, TRAIN, make_subset

# A validation image's cost in training images: forward only (backward is about twice a forward).
VALIDATION_WEIGHT = 1 / 3


def profile(data_file):
    """CPU samples by (object, function) of one `perf record` file."""
    out = subprocess.run(["perf", "report", "-i", data_file, "--stdio", "--sort", "dso,sym", "-q", "-n"],
                         check=True, capture_output=True, text=True).stdout
    samples = collections.Counter()
    for line in out.splitlines():
        m = re.match(r"\s*[\d.]+%\s+(\d+)\s+(\S+)\s+\[.\]\s+(.*)", line)
        if m:
            samples[(m.group(2), m.group(3).strip())] += int(m.group(1))
    return samples


def recorded(a, out_file, cmd):
    """Runs `cmd` under `perf record` (cpu-clock at --frequency Hz) into `out_file`."""
    perf = ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(a.frequency), "-o", out_file, "--"]
    done = subprocess.run(perf + cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(perf + cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def is_gemm_kernel(key):
    return key[1].startswith("sgemm_kernel")


def main():
    p = parser(__doc__)
    p.add_argument("--model", default="resnet50_v2")
    p.add_argument("--images", type=int, default=1000)
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--iterations", type=int, default=60, help="timed bench steps")
    p.add_argument("--frequency", type=int, default=250, help="samples per CPU-second")
    p.add_argument("--workdir", default="/tmp/monkpipe-run-profile")
    a = parse(p)
    if shutil.which("perf") is None:
        sys.exit("perf not found (Debian: apt-get install linux-perf)")
    if not os.path.isdir(TRAIN):
        sys.exit(f"chest X-ray training folder not found at {TRAIN}: set MONKPIPE_SHARED_DIR")
    shutil.rmtree(a.workdir, ignore_errors=True)
    data = os.path.join(a.workdir, "data", "train")
    make_subset(data, a.images)
    med = collections.defaultdict(list)
    for r in range(1, a.rounds + 1):
        workspace = os.path.join(a.workdir, "ws")
        shutil.rmtree(workspace, ignore_errors=True)
        spec = os.path.join(a.workdir, "run.yaml")
        with open(spec, "w") as f:
            f.write(PIPELINE.format(workspace=workspace, threads=a.threads, train=data, size=a.size, batch=a.batch,
                                    model=a.model, val=a.val_fraction))
        run_file, bench_file = os.path.join(a.workdir, f"run{r}.perf"), os.path.join(a.workdir, f"bench{r}.perf")
        recorded(a, run_file, [a.monkpipe, "run", spec])
        root = os.path.join(workspace, "speed", "e")
        with open(os.path.join(root, "experiment-state.json")) as f:
            training = json.load(f)["training"]
        with open(os.path.join(root, "output", "logs", "history.json")) as f:
            run_ips = json.load(f)[0]["trainImagesPerSecond"]
        run_images = training["trainImages"] + VALIDATION_WEIGHT * training["validationImages"]
        out = recorded(a, bench_file, [a.monkpipe, "bench", "--model", a.model, "--size", str(a.size), "--batch",
                                       str(a.batch), "--mode", "train", "--iterations", str(a.iterations),
                                       "--warmup", "1", "--threads", str(a.threads), "--json"])
        bench_ips = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])["images_per_s"]
        bench_images = (a.iterations + 1) * a.batch     # the warm-up step is sampled too
        run, bench = profile(run_file), profile(bench_file)

        def per_image(samples, images, keep=lambda k: True):
            return sum(v for k, v in samples.items() if keep(k)) / images

        total = (per_image(run, run_images), per_image(bench, bench_images))
        gemm = (per_image(run, run_images, is_gemm_kernel), per_image(bench, bench_images, is_gemm_kernel))
        rest = (total[0] - gemm[0], total[1] - gemm[1])
        added = {k: v / run_images for k, v in run.items() if v / run_images >= 2 * bench[k] / bench_images}
        added_total = sum(added.values())
        for name, value in [("speed", run_ips / bench_ips), ("samples", total[0] / total[1]),
                            ("gemm", gemm[0] / gemm[1]), ("rest", rest[0] / rest[1]),
                            ("corrected", (total[0] / total[1]) / (gemm[0] / gemm[1])),
                            ("added", added_total / total[0])]:
            med[name].append(value)
        print(f"round {r}: images/s run {run_ips:.2f} bench {bench_ips:.2f} (run / bench {run_ips / bench_ips:.3f}); "
              f"CPU samples per image run {total[0]:.1f} bench {total[1]:.1f} ({total[0] / total[1]:.3f}): "
              f"GEMM kernel {gemm[0]:.1f} / {gemm[1]:.1f} ({gemm[0] / gemm[1]:.3f}), "
              f"the rest {rest[0]:.1f} / {rest[1]:.1f} ({rest[0] / rest[1]:.3f}); "
              f"CPU per image at the same machine speed {(total[0] / total[1]) / (gemm[0] / gemm[1]):.3f}; "
              f"the run's own functions {added_total:.2f} per image ({100 * added_total / total[0]:.1f}% of its samples)",
              flush=True)
        for (dso, sym), v in sorted(added.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {v:6.2f}  {dso}  {sym[:100]}")
    m = {k: statistics.median(v) for k, v in med.items()}
    print(f"{a.model} {a.size}px batch {a.batch}, medians of {a.rounds} rounds: run / bench images/s {m['speed']:.3f}; "
          f"CPU per image run / bench {m['samples']:.3f} (GEMM kernel, the same work on both sides: {m['gemm']:.3f}; "
          f"the rest {m['rest']:.3f}); at the same machine speed (divided by the GEMM kernel's ratio) {m['corrected']:.3f}; "
          f"the run's own functions {100 * m['added']:.1f}% of its CPU")


if __name__ == "__main__":
    main()
