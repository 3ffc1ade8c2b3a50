#!/usr/bin/env python3
"""Training speed and peak memory of monkpipe against PyTorch, measured in the same run.

For each model, runs `monkpipe bench --mode train --json` and torch_baseline.py (beside this file)
(NCHW and channels_last) alternately, `--rounds` times (every other round in the opposite order),
and prints every measurement, the median of each, and the ratios monkpipe / PyTorch. Alternating means a change in machine
load hits both sides alike; the load average is printed with each round.

--paired pairs them step by step instead, for a machine whose speed drifts within minutes: it
starts `monkpipe bench --paced` and two PyTorch workers (this script with --worker: NCHW and
channels_last) side by side, warms each up, then for each round runs one training step in each
process, one process at a time (the others blocked in a read), in an order that changes every
round (all six orders in turn). The PyTorch workers draw new labels for each step: on one
fixed batch PyTorch learns the labels within about 13 steps, and from about the 20th its
gradients are denormal numbers and its step 3-60 times slower (monkpipe's is not: it keeps its
fixed batch). Before a step starts, every thread of the three processes must
be asleep (read from /proc): a library's threads spinning after the previous step would
otherwise take a core from the next. It prints each round's step times, then each engine's
median, the median over the rounds of that round's PyTorch step / monkpipe step (the speed
ratio), in how many rounds monkpipe's step was the faster, each process's peak memory, and how
long each process's threads took to fall asleep after its steps (and the CPU it used outside
its steps).

Usage: python3 benchmarks/train_vs_torch.py [--monkpipe .build/release/monkpipe]
           [--rounds 2] [--iterations 10] [--only resnet18_v1 [densenet121 …]] [--batch 16 [4 8 …]]
       python3 benchmarks/train_vs_torch.py --paired [--rounds 24] [--warmup 3] [--only …] [--batch …]
Needs: a release build of monkpipe, and `pip install torch torchvision` for the baseline.
"""
import argparse, glob, json, os, statistics, subprocess, sys, tempfile, time

from benchcommon import HERE, bench, parse, parser, torch_baseline

# (monkpipe network, torchvision network, size). resnet50_v2 is compared with torchvision's
# resnet50 (v1): torchvision has no pre-activation ResNet, and the two cost the same FLOPs.
CASES = [("resnet18_v1", "resnet18", 128), ("resnet50_v2", "resnet50", 224), ("densenet121", "densenet121", 224)]
ORDER = ("monkpipe", "torch NCHW", "torch channels_last")
# --paired: the order of the three steps in round r is ORDERS[r % 6], every order once in six
# rounds, so each engine runs first, second and last, and after each of the others, equally
# often; no process runs two steps in a row across a round's end either.
ORDERS = [(0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (2, 1, 0), (1, 0, 2)]


def main():
    if sys.argv[1:2] == ["--worker"]:
        return worker(sys.argv[2:])
    p = parser(__doc__)
    p.add_argument("--paired", action="store_true",
                   help="pair the engines' steps round by round in three processes run one at a time (see above)")
    p.add_argument("--rounds", type=int, help="rounds (default 2; with --paired, 24: steps per engine)")
    p.add_argument("--iterations", type=int, help="timed steps per run (default 10; not with --paired: a round is one step each)")
    p.add_argument("--warmup", type=int, default=3, help="with --paired: untimed steps per process before the first round")
    p.add_argument("--batch", type=int, nargs="+", default=[16], help="one or more batch sizes")
    p.add_argument("--only", nargs="+", help="monkpipe network names")
    a = parse(p)
    if a.paired and a.iterations is not None:
        p.error("--iterations is for the unpaired runs: with --paired, --rounds says how many steps each engine times")
    a.rounds = a.rounds if a.rounds is not None else (24 if a.paired else 2)
    a.iterations = a.iterations if a.iterations is not None else 10
    # PyTorch's OpenMP threads wait for work as these say (by default they spin a few ms, then sleep).
    waits = [f"{k}={os.environ[k]}" for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME") if k in os.environ]
    if waits:
        print("OpenMP settings: " + " ".join(waits), flush=True)
    for (ours, theirs, size), batch in ((c, b) for c in CASES for b in a.batch):
        if a.only and ours not in a.only:
            continue
        if a.paired:
            paired(a, ours, theirs, size, batch)
        else:
            separate(a, ours, theirs, size, batch)


def separate(a, ours, theirs, size, batch):
    """One model and batch, each engine's run a process of its own, the runs alternated."""
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


class Paced:
    """A process that runs one timed step per line it reads and answers each with a line
    {"paced":"step","wall_ms":…,"cpu_ms":…}: `monkpipe bench --paced`, or this script's --worker."""

    def __init__(self, label, cmd):
        self.label, self.cmd = label, cmd
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, bufsize=1)
        self.wall, self.cpu, self.settle = [], [], []
        self.expect("ready")
        self.cpu_at_ready = process_cpu_ms(self.proc.pid)

    def expect(self, kind):
        """The next line of the process that is a paced event; it must be of this kind."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.err.seek(0)
                sys.exit(f"{self.label} ({' '.join(self.cmd)}) ended before its {kind} line "
                         f"(exit {self.proc.wait()}):\n{self.err.read()}")
            if line.startswith('{"paced"'):
                event = json.loads(line)
                assert event["paced"] == kind, f"{self.label}: expected {kind}, got {line}"
                return event

    def step(self):
        """Runs one timed step and waits for its times."""
        self.proc.stdin.write("step\n")
        self.proc.stdin.flush()
        event = self.expect("step")
        self.wall.append(event["wall_ms"])
        self.cpu.append(event["cpu_ms"])

    def finish(self):
        """Ends the process (end of its input) and returns its summary (the last JSON line)."""
        # The CPU the process used while it was not timing a step: threads spinning while it
        # waited, and (negligibly) reading the requests and writing the answers.
        self.cpu_outside = process_cpu_ms(self.proc.pid) - self.cpu_at_ready - sum(self.cpu)
        out, _ = self.proc.communicate("", timeout=600)
        if self.proc.returncode != 0:
            self.err.seek(0)
            sys.exit(f"{self.label} failed (exit {self.proc.returncode}):\n{self.err.read()}")
        return json.loads([line for line in out.splitlines() if line.startswith("{") and '"paced"' not in line][-1])


def process_cpu_ms(pid):
    """User + system CPU time of process `pid` so far, all its threads, in ms (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def running_threads(pids):
    """How many threads of these processes are running or ready to run (state R in /proc)."""
    n = 0
    for pid in pids:
        for stat in glob.glob(f"/proc/{pid}/task/*/stat"):
            try:
                with open(stat) as f:
                    n += f.read().rsplit(")", 1)[1].split()[0] == "R"
            except FileNotFoundError:  # a thread that has just ended
                pass
    return n


def settle(pids, limit=2.0):
    """Waits until no thread of `pids` runs (at most `limit` seconds); returns the seconds waited."""
    t0 = time.perf_counter()
    while running_threads(pids) and time.perf_counter() - t0 < limit:
        time.sleep(0.0002)
    return time.perf_counter() - t0


def paired(a, ours, theirs, size, batch):
    """One model and batch, the three engines' steps paired round by round (see the docstring)."""
    me = [sys.executable, os.path.abspath(__file__), "--worker", "--model", theirs, "--size", str(size),
          "--batch", str(batch), "--threads", str(a.threads), "--warmup", str(a.warmup)]
    commands = [[a.monkpipe, "bench", "--model", ours, "--size", str(size), "--batch", str(batch), "--mode", "train",
                 "--warmup", str(a.warmup), "--threads", str(a.threads), "--paced", "--json"],
                me, me + ["--channels-last"]]
    # Started and warmed up one after the other, so that no warm-up competes with another.
    procs = []
    try:
        for label, cmd in zip(ORDER, commands):
            procs.append(Paced(label, cmd))
        pids = [p.proc.pid for p in procs]
        slow = 0
        for r in range(a.rounds):
            load = os.getloadavg()[0]
            order = ORDERS[r % len(ORDERS)]
            for i in order:
                slow += settle(pids) >= 2.0
                procs[i].step()
                # How long this process's threads go on running after its step has answered.
                procs[i].settle.append(settle([procs[i].proc.pid]))
            print(f"{ours} {size}px batch {batch} round {r + 1} (load {load:.1f}; "
                  + " → ".join(ORDER[i] for i in order) + "): "
                  + ", ".join(f"{p.label} {p.wall[-1]:.0f} ms" for p in procs), flush=True)
        summaries = [p.finish() for p in procs]
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.proc.kill()
    m = procs[0]
    ours_ms = statistics.median(m.wall)
    print(f"  {ours} batch {batch}, {a.rounds} rounds paired, ms per step (median; CPU): "
          + ", ".join(f"{p.label} {statistics.median(p.wall):.0f} ({statistics.median(p.cpu):.0f})" for p in procs))
    for p, s in zip(procs[1:], summaries[1:]):
        ratios = [t / o for t, o in zip(p.wall, m.wall)]
        faster = sum(o < t for t, o in zip(p.wall, m.wall))
        ms = statistics.median(p.wall)
        print(f"  {ours} batch {batch} vs {p.label}: speed ratio {statistics.median(ratios):.2f} "
              f"(median of {len(ratios)} rounds' step-time ratios {min(ratios):.2f}–{max(ratios):.2f}; monkpipe faster in "
              f"{faster} of {len(ratios)}; {batch * 1000 / ours_ms:.2f} / {batch * 1000 / ms:.2f} img/s, ratio of the medians "
              f"{ms / ours_ms:.2f}), memory ratio {summaries[0]['peak_rss_mb'] / s['peak_rss_mb']:.2f} "
              f"({summaries[0]['peak_rss_mb']:.0f} / {s['peak_rss_mb']:.0f} MB)")
    print("  after its steps, threads running on (median, max ms) and CPU outside the steps (ms per step): "
          + ", ".join(f"{p.label} {statistics.median(p.settle) * 1000:.1f}, {max(p.settle) * 1000:.1f}, "
                      f"{p.cpu_outside / len(p.wall):.1f}" for p in procs)
          + (f"\n  NOT ONE PROCESS AT A TIME: {slow} steps started with a thread of a process still running after "
             "2 s of waiting (OMP_WAIT_POLICY=active?)" if slow else ""), flush=True)


def worker(argv):
    """--worker: a PyTorch process paced like `monkpipe bench --paced` (torch_baseline's step)."""
    p = argparse.ArgumentParser(prog="train_vs_torch.py --worker")
    p.add_argument("--model", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args(argv)
    sys.path.insert(0, HERE)
    from torch_baseline import build_step, peak_rss_mb

    # A paired run is longer than the denormal slowdown takes to set in on one fixed batch
    # (torch_baseline.build_step): new labels every step keep PyTorch's step an ordinary one.
    step = build_step(a.model, a.size, a.batch, "train", a.threads, a.channels_last, fresh_labels=True)
    for _ in range(a.warmup):
        step()
    print(json.dumps({"paced": "ready", "mode": "train", "warmup": a.warmup}), flush=True)
    wall = []
    while sys.stdin.readline():  # blocks in a read until the next step is asked for; "" at the end
        t, c = time.perf_counter(), time.process_time()
        step()
        t, c = time.perf_counter() - t, time.process_time() - c
        wall.append(t)
        print(json.dumps({"paced": "step", "step": len(wall), "wall_ms": round(t * 1000, 3), "cpu_ms": round(c * 1000, 3)}),
              flush=True)
    med = statistics.median(wall) if wall else float("nan")
    print(json.dumps({"model": a.model, "size": a.size, "batch": a.batch, "mode": "train",
                      "images_per_s": round(a.batch / med, 2), "ms_per_iter": round(med * 1000, 1),
                      "peak_rss_mb": peak_rss_mb(), "threads": a.threads, "channels_last": a.channels_last}), flush=True)


if __name__ == "__main__":
    main()
