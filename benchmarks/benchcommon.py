"""What the comparison scripts beside this file share: where the repository, the shared data
folder and the PyTorch baseline are, the --monkpipe/--threads options with the check that the
binary exists, and running `monkpipe bench --json` or torch_baseline.py for their one JSON line.

The scripts import it by name: `python3 benchmarks/X.py` puts this folder first on sys.path.
"""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The shared folder (data, weights): MONKPIPE_SHARED_DIR, else ../shared beside the repository.
SHARED = os.environ.get("MONKPIPE_SHARED_DIR", os.path.join(HERE, "..", "..", "shared"))
# The repository's own PyTorch baseline (torchvision models, the same step as `monkpipe bench`).
TORCH = os.path.join(HERE, "torch_baseline.py")


def parser(description):
    """An argument parser with the options every comparison takes."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--monkpipe", default=os.path.join(HERE, "..", ".build", "release", "monkpipe"),
                   help="the monkpipe binary (default: the release build of this checkout)")
    p.add_argument("--threads", type=int, default=2, help="threads for both monkpipe and PyTorch")
    return p


def parse(p):
    """The parsed options, with --monkpipe made absolute and checked."""
    a = p.parse_args()
    a.monkpipe = os.path.abspath(a.monkpipe)
    if not os.path.exists(a.monkpipe):
        sys.exit(f"{a.monkpipe} not found: build it with `swift build -c release` or pass --monkpipe")
    return a


def run_json(cmd, env=None):
    """Runs `cmd` (in `env`, else this environment) and returns the last line of its output that is a JSON object."""
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def bench(a, model, size, batch, mode, iterations, extra=()):
    """`monkpipe bench --json` of one network: images_per_s, peak_rss_mb, cpu_ms_per_iter, …"""
    return run_json([a.monkpipe, "bench", "--model", model, "--size", str(size), "--batch", str(batch), "--mode", mode,
                     "--iterations", str(iterations), "--threads", str(a.threads), "--json", *extra])


def torch_baseline(a, model, size, batch, mode, iterations, extra=()):
    """torch_baseline.py of one torchvision network: images_per_s and peak_rss_mb."""
    return run_json([sys.executable, TORCH, "--model", model, "--size", str(size), "--batch", str(batch), "--mode", mode,
                     "--iters", str(iterations), "--threads", str(a.threads), *extra])
