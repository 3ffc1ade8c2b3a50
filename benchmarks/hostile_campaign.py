#!/usr/bin/env python3
"""Hostile-input campaign against the release binary (issue 13): many damaged or malicious
inputs of each kind, each run with a time limit and a memory limit, every outcome counted.

    swift build -c release --product monkpipe
    python3 benchmarks/hostile_campaign.py [--seed 13] [--tries 200] [--kinds images,weights,specs,workspace]

MONKPIPE_BINARY=path runs another build (e.g. an older commit, to see what a fix changed).

Outcomes per try:
  crash      killed by a signal (a force-unwrap, a failed allocation, a segfault)
  hang       still running at the time limit
  named      refused or reported, naming the file and the reason (the wanted outcome)
  silent     accepted without a word (for random byte flips inside compressed data this can
             be legitimate: the decoder cannot see every change; the table says which)
  other      any other exit (listed with its message, to be read)

The targeted tries (bombs, FIFOs, NaN weights, ...) must all be "named"; the random ones
(flips, cuts) must never be crash or hang. The workspace campaign interrupts runs of a tiny
pipeline (Ctrl-C, kill -9) and flips one byte in a file of a finished workspace, then runs
again: "resumed identical" / "named, recomputed" / "named, refused" / "not read (same
results)" are fine; "resumed different" and "different results" are failures. Writes a Markdown table to stdout and the raw
outcomes to hostile_campaign.json. Needs Python 3 with numpy and torch (for .pth files).
"""
import argparse
import json
import os
import random
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("MONKPIPE_BINARY") or ROOT / ".build/release/monkpipe")
FIXTURES = ROOT / "Tests/MonkDataTests/Fixtures"
TIME_LIMIT = 60          # seconds per try
MEMORY_LIMIT = 3 << 30   # address space per try (bytes); a decode bomb fails under it


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(args, cwd, timeout=TIME_LIMIT, interrupt_after=None):
    """Runs the binary; returns (status, stdout, stderr, seconds). status: int, or 'hang'."""
    start = time.time()
    p = subprocess.Popen([str(BIN)] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=limit_memory, text=True, errors="replace")
    try:
        if interrupt_after is not None:
            try:
                out, err = p.communicate(timeout=interrupt_after)
                return p.returncode, out, err, time.time() - start
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out, err, time.time() - start
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return "hang", out, err, time.time() - start


def classify_status(status, named):
    if status == "hang":
        return "hang"
    if status < 0:
        return "crash"
    return "named" if named else ("silent" if status == 0 else "other")


# ---------------------------------------------------------------- images

def jpeg_markers(d):
    i, out = 2, []
    while i + 3 < len(d) and d[i] == 0xFF:
        m = d[i + 1]
        out.append((m, i))
        if m == 0xDA:
            break
        i += 2 + (d[i + 2] << 8 | d[i + 3])
    return out


def png_chunk(kind, data):
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_image(w, h, value=7):
    import zlib
    raw = b"".join(b"\x00" + bytes([value]) * (3 * w) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def image_mutations(rng, tries):
    """(kind, name, bytes or a callable that makes the entry) tuples."""
    bases = {n: (FIXTURES / n).read_bytes() for n in
             ["rgb_baseline.jpg", "rgb_progressive.jpg", "gray_baseline.jpg", "gray_64x48.jpg", "cmyk.jpg",
              "rgb8.png", "gray16.png", "rgb8_interlaced.png", "palette8.png"]}
    big = png_image(300, 200)
    bases["big.png"] = big
    out = []
    names = sorted(bases)
    for i in range(tries):
        name = rng.choice(names)
        d = bytearray(bases[name])
        for _ in range(rng.randint(1, 8)):
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        out.append(("random byte flips", f"flip{i}{Path(name).suffix}", bytes(d)))
    for i in range(tries // 2):
        name = rng.choice(names)
        d = bases[name]
        out.append(("random truncation", f"cut{i}{Path(name).suffix}", d[:rng.randrange(1, len(d))]))
    for i in range(tries // 4):
        name = rng.choice([n for n in names if n.endswith(".jpg")])
        d = bases[name]
        sos = [p for m, p in jpeg_markers(d) if m == 0xDA][0]
        cut = rng.randrange(sos + 14, len(d) - 2)
        out.append(("JPEG cut in the scan, EOI kept", f"cuteoi{i}.jpg", d[:cut] + b"\xff\xd9"))
    # Declared sizes: bombs and elongated strips.
    for i, (w, h) in enumerate([(65500, 65500), (65500, 1366), (30000, 30000), (9500, 9500), (65500, 1), (1, 65500)]):
        d = bytearray(bases["rgb_progressive.jpg"])
        sof = [p for m, p in jpeg_markers(d) if m in (0xC0, 0xC2)][0]
        d[sof + 5:sof + 9] = struct.pack(">HH", h, w)
        out.append(("JPEG header claiming a huge size", f"jbomb{i}.jpg", bytes(d)))
    for i, (w, h) in enumerate([(30000, 30000), (1000000, 90), (20000, 20000)]):
        hdr = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        out.append(("PNG header claiming a huge size", f"pbomb{i}.png", hdr + png_chunk(b"IDAT", b"x\x01" + b"\x00" * 300) + png_chunk(b"IEND", b"")))
    out.append(("PNG strip that resizes into a bomb", "strip.png", png_image(20000, 1)))
    prog = bases["rgb_progressive.jpg"]
    out.append(("progressive JPEG with 5,000 scans", "scans.jpg", prog[:-2] + prog[528:-2] * 5000 + b"\xff\xd9"))
    for i in range(10):
        out.append(("random garbage named .jpg", f"garbage{i}.jpg", bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000)))))
    out.append(("empty file", "empty.jpg", b""))
    out.append(("FIFO in a class folder", "pipe.jpg", "fifo"))
    out.append(("dangling symbolic link", "gone.jpg", "dangling"))
    out.append(("symbolic link loop", "loop.jpg", "loop"))
    out.append(("file name not UTF-8", b"caf\xe9.jpg", bases["rgb_baseline.jpg"]))
    out.append(("3 GB sparse file", "huge.jpg", "sparse"))
    out.append(("control characters in a file name", "\x1b[31mred\nx.jpg", bases["rgb_baseline.jpg"]))
    return out


def make_entry(folder, name, content):
    path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
    if content == "fifo":
        os.mkfifo(path)
    elif content == "dangling":
        os.symlink(b"/nonexistent/x.jpg", path)
    elif content == "loop":
        os.symlink(path, path)
    elif content == "sparse":
        with open(path, "wb") as f:
            f.truncate(3 << 30)
    else:
        with open(path, "wb") as f:
            f.write(content)


SPEC = """project: hostile
workspace: ws
data:
  train: data
  val: {fraction: 0.5, seed: 1}
  input_size: 32
  workers: 1
  on_bad_image: skip
defaults: {model: tiny_cnn, pretrained: false, epochs: 1}
"""


def campaign_images(rng, tries, results):
    good = (FIXTURES / "rgb_baseline.jpg").read_bytes(), (FIXTURES / "rgb8.png").read_bytes()
    for kind, name, content in image_mutations(rng, tries):
        with tempfile.TemporaryDirectory() as tmp:
            for c in ("A", "B"):
                os.makedirs(f"{tmp}/data/{c}")
                for j in range(3):
                    Path(f"{tmp}/data/{c}/g{j}.jpg").write_bytes(good[0])
                    Path(f"{tmp}/data/{c}/h{j}.png").write_bytes(good[1])
            make_entry(f"{tmp}/data/A", name, content)
            Path(f"{tmp}/spec.yaml").write_text(SPEC)
            status, out, err, secs = run(["check-data", "spec.yaml", "--json"], tmp)
            shown = os.fsdecode(name) if isinstance(name, bytes) else name
            named = False
            if status == 0:
                try:
                    report = json.loads(out)
                    listed = [u["path"] for u in report.get("unreadable", [])] + [u["path"] for u in report.get("unused", [])]
                    named = any(p.endswith(shown[-8:]) or "\\x" in p or "\\u" in p for p in listed)
                except json.JSONDecodeError:
                    pass
            results.append({"campaign": "images", "kind": kind, "name": repr(name), "outcome": classify_status(status, named),
                            "status": status, "seconds": round(secs, 2), "stderr": err[-300:]})


# ---------------------------------------------------------------- weights

def tiny_checkpoint(workdir):
    """Trains the CI example (tiny_cnn, one epoch) once and returns its best.safetensors."""
    shutil.copytree(ROOT / "examples", f"{workdir}/examples")
    status, out, err, _ = run(["run", "examples/ci.yaml"], workdir, timeout=600)
    if status != 0:
        sys.exit(f"cannot train the CI example: {err}")
    return Path(workdir) / "examples/ci-workspace/ci/smoke/output/models/final.safetensors"


def read_safetensors(path):
    import numpy as np
    b = path.read_bytes()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[v["dtype"]]
        out[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=dtype).reshape(v["shape"]).copy()
    return out


def weight_mutations(rng, tries, checkpoint, tmp):
    import numpy as np
    import torch
    arrays = read_safetensors(checkpoint)
    tensors = {k: torch.from_numpy(v) for k, v in arrays.items()}
    zip_pth, legacy_pth = f"{tmp}/w.pth", f"{tmp}/legacy.pth"
    torch.save(tensors, zip_pth)
    torch.save(tensors, legacy_pth, _use_new_zipfile_serialization=False)
    bases = {"safetensors": checkpoint.read_bytes(), "zip .pth": Path(zip_pth).read_bytes(), "legacy .pth": Path(legacy_pth).read_bytes()}
    out = [("intact " + k, b) for k, b in bases.items()]
    for i in range(tries):
        fmt = rng.choice(sorted(bases))
        d = bytearray(bases[fmt])
        # Flips in the first 4 kB hit headers and pickles, elsewhere mostly float data.
        span = min(len(d), 4096) if rng.random() < 0.7 else len(d)
        for _ in range(rng.randint(1, 6)):
            d[rng.randrange(span)] ^= 1 << rng.randrange(8)
        out.append((f"random byte flips ({fmt})", bytes(d)))
    for i in range(tries // 2):
        fmt = rng.choice(sorted(bases))
        d = bases[fmt]
        out.append((f"random truncation ({fmt})", d[:rng.randrange(0, len(d))]))

    def saved(obj, legacy=False):
        p = f"{tmp}/t.pth"
        torch.save(obj, p, _use_new_zipfile_serialization=not legacy)
        return Path(p).read_bytes()
    first = next(k for k, v in tensors.items() if v.is_floating_point() and v.numel() > 0)
    out.append(("non-string key {5: tensor}", saved({5: torch.zeros(4)})))
    out.append(("non-string key in a real state dict", saved({**tensors, 7: torch.zeros(1)})))
    out.append(("tuple key", saved({(1, 2): torch.zeros(1)})))
    for legacy in (False, True):
        nan = {k: v.clone() for k, v in tensors.items()}
        nan[first].view(-1)[0] = float("nan")
        out.append(("NaN in a weight" + (" (legacy)" if legacy else ""), saved(nan, legacy)))
        inf = {k: v.clone() for k, v in tensors.items()}
        inf[first].view(-1)[-1] = float("inf")
        out.append(("Inf in a weight" + (" (legacy)" if legacy else ""), saved(inf, legacy)))
        var = {k: v.clone() for k, v in tensors.items()}
        rv = [k for k in var if k.endswith("running_var")][0]
        var[rv].view(-1)[0] = -1.0
        out.append(("negative running variance" + (" (legacy)" if legacy else ""), saved(var, legacy)))
    head = {k: v.clone() for k, v in tensors.items()}
    hk = [k for k in head if k.startswith("fc.") and k.endswith("weight")]
    if hk:
        head[hk[0]] = torch.zeros((0, head[hk[0]].shape[1]))
        head[hk[0].replace("weight", "bias")] = torch.zeros(0)
        out.append(("classifier head with 0 outputs", saved(head)))
    out.append(("a list instead of a dict", saved([torch.zeros(3)])))
    out.append(("FIFO as weights", "fifo"))
    out.append(("directory as weights", "dir"))
    out.append(("/dev/zero as weights", "/dev/zero"))
    out.append(("5 GB sparse file as weights", "sparse"))
    return out


def campaign_weights(rng, tries, results, workdir):
    checkpoint = tiny_checkpoint(workdir)
    image = FIXTURES / "rgb_baseline.jpg"
    with tempfile.TemporaryDirectory() as tmp:
        for kind, content in weight_mutations(rng, tries, checkpoint, tmp):
            target = f"{tmp}/weights.bin"
            for p in (target,):
                if os.path.lexists(p):
                    os.rmdir(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
            if content == "fifo":
                os.mkfifo(target)
            elif content == "dir":
                os.mkdir(target)
            elif content == "/dev/zero":
                target = "/dev/zero"
            elif content == "sparse":
                with open(target, "wb") as f:
                    f.truncate(5_000_000_000)
            else:
                Path(target).write_bytes(content)
            status, out, err, secs = run(["classify", "--model", "tiny_cnn", "--weights", target, "--json", str(image)], tmp)
            intact = kind.startswith("intact")
            nan_out = "nan" in out.lower()
            if status == 0 and not nan_out:
                outcome = "accepted" if intact or "flips" in kind else "silent"
            else:
                named = status != 0 and status != "hang" and status > 0 and ("error:" in err)
                outcome = classify_status(status, named) if not (status == 0 and nan_out) else "silent (NaN output)"
            results.append({"campaign": "weights", "kind": kind, "outcome": outcome, "status": status,
                            "seconds": round(secs, 2), "stderr": err[-300:]})


# ---------------------------------------------------------------- specs

def spec_mutations(rng, tries):
    base = (ROOT / "examples/ci.yaml").read_text()
    lines = base.splitlines(keepends=True)
    out = []
    for i in range(tries):
        d = bytearray(base.encode())
        for _ in range(rng.randint(1, 5)):
            d[rng.randrange(len(d))] = rng.randrange(256)
        out.append(("random byte changes", bytes(d)))
    for i in range(tries // 2):
        l = lines[:]
        for _ in range(rng.randint(1, 3)):
            op = rng.choice(["drop", "dup", "swap", "indent"])
            j = rng.randrange(len(l))
            if op == "drop":
                del l[j]
            elif op == "dup":
                l.insert(j, l[j])
            elif op == "swap":
                k = rng.randrange(len(l))
                l[j], l[k] = l[k], l[j]
            else:
                l[j] = "  " + l[j]
        out.append(("random line edits", "".join(l).encode()))
    out.append(("40,000 unknown keys", (base + "".join(f"k{i}: 1\n" for i in range(40000))).encode()))
    out.append(("billion laughs", ("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"l{j}: &l{j} [" + ",".join([f"*{'a' if j == 0 else 'l' + str(j - 1)}"] * 9) + "]\n" for j in range(9))).encode()))
    out.append(("control characters in a value", base.replace("model: tiny_cnn", 'model: "tiny\\e[2J\\u202Ecnn"').encode()))
    out.append(("52 MB file", "sparse"))
    out.append(("FIFO as the spec", "fifo"))
    out.append(("class_weights of the wrong length", base.replace("  epochs: 1\n", "  epochs: 1\n  class_weights: [1, 2, 3]\n").encode()))
    out.append(("sweep with equal values", base.replace("experiments:\n  smoke: {}", "sweep:\n  optimizer.lr: [0.01, 0.010, 1e-2]").encode()))
    out.append(("val folder is the train folder", base.replace("  val: {fraction: 0.3, stratified: true, seed: 1}", "  val: chest_xray_small/train").encode()))
    out.append(("project named like the comparison folder", base.replace("project: ci", "project: comparison").encode()))
    return out


def campaign_specs(rng, tries, results):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "examples/chest_xray_small", f"{tmp}/chest_xray_small")
        for kind, content in spec_mutations(rng, tries):
            p = f"{tmp}/spec.yaml"
            if os.path.lexists(p):
                os.remove(p)
            if content == "sparse":
                with open(p, "wb") as f:
                    f.write(b"project: p\n")
                    f.truncate(52 << 20)
            elif content == "fifo":
                os.mkfifo(p)
            else:
                Path(p).write_bytes(content)
            status, out, err, secs = run(["validate", "spec.yaml"], tmp)
            named = status == 2 and "spec.yaml" in err
            outcome = classify_status(status, named)
            if status == 0 and kind.startswith(("class_weights", "sweep", "val folder", "project named")):
                outcome = "named" if "warning" in (out + err) else "silent"
            results.append({"campaign": "specs", "kind": kind, "outcome": outcome, "status": status,
                            "seconds": round(secs, 2), "stderr": err[-300:]})


# ---------------------------------------------------------------- report

# ---------------------------------------------------------------- workspace

# examples/ci.yaml made slower and exactly repeatable: one thread, batches of 16, 2 epochs.
WORKSPACE_SPEC_CHANGES = [("threads: 2", "threads: 1"), ("batch_size: 32", "batch_size: 16"),
                          ("workers: 2", "workers: 1"), ("epochs: 1", "epochs: 2")]
OUTCOME_FILES = ["ci/smoke/output/models/best.safetensors", "ci/smoke/output/models/final.safetensors",
                 "ci/smoke/output/test/metrics.json"]


def workspace_project(folder):
    os.makedirs(folder)
    spec = (ROOT / "examples/ci.yaml").read_text()
    for old, new in WORKSPACE_SPEC_CHANGES:
        assert old in spec, old
        spec = spec.replace(old, new)
    Path(folder, "ci.yaml").write_text(spec)
    shutil.copytree(ROOT / "examples/chest_xray_small", Path(folder, "chest_xray_small"))


def outcome_bytes(folder):
    return {f: (Path(folder, "ci-workspace", f).read_bytes() if Path(folder, "ci-workspace", f).exists() else None)
            for f in OUTCOME_FILES}


def campaign_workspace(rng, tries, results, work):
    """Interruptions (Ctrl-C and kill -9 at random moments, then the same command again) and
    one flipped byte in a random file of a finished workspace (then `run`, and `run --force
    all`): the end must equal an uninterrupted run's weights and metrics byte for byte, and a
    damaged file that is read must be named."""
    reference = os.path.join(work, "reference")
    workspace_project(reference)
    status, out, err, secs = run(["run", "ci.yaml", "--quiet"], reference, timeout=600)
    if status != 0:
        sys.exit(f"the reference run failed ({status}): {err}")
    expected = outcome_bytes(reference)
    whole = secs
    # The stages' keys hold the data's absolute paths: a damaged copy must sit where the
    # reference ran, or every stage runs again and nothing cached is ever read.
    pristine = os.path.join(work, "pristine")
    shutil.copytree(reference, pristine, symlinks=True)

    def finish(folder, extra=()):
        status, out, err, _ = run(["run", "ci.yaml"] + list(extra), folder, timeout=600)
        return status, out, err, (status == 0 and outcome_bytes(folder) == expected)

    for i in range(tries // 5):
        how = "Ctrl-C" if i % 2 == 0 else "kill -9"
        folder = os.path.join(work, f"interrupt{i}")
        workspace_project(folder)
        shutil.copytree(Path(reference, "ci-workspace", ".cache", "pixels"), Path(folder, "ci-workspace", ".cache", "pixels"))
        delay = rng.uniform(0.2, whole)
        p = subprocess.Popen([str(BIN), "run", "ci.yaml", "--quiet"], cwd=folder, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=limit_memory, text=True, errors="replace")
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT if how == "Ctrl-C" else signal.SIGKILL)
        try:
            _, err1 = p.communicate(timeout=TIME_LIMIT)
            first = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            first = "hang"
            err1 = ""
        status, out, err, same = finish(folder)
        if first == "hang" or status == "hang":
            outcome = "hang"
        elif isinstance(first, int) and first < 0 and how == "Ctrl-C":
            outcome = "crash"
        else:
            outcome = "resumed identical" if same else "resumed different"
        results.append({"campaign": "workspace", "kind": f"{how} during a run, then run again", "outcome": outcome,
                        "status": f"{first} then {status}", "seconds": round(delay, 2), "stderr": (err1 + err)[-300:]})
        shutil.rmtree(folder, ignore_errors=True)

    files = sorted(str(f.relative_to(Path(pristine, "ci-workspace"))) for f in Path(pristine, "ci-workspace").rglob("*")
                   if f.is_file() and f.stat().st_size > 0)
    pixels = [f for f in files if f.startswith(".cache/pixels/")]
    others = [f for f in files if not f.startswith(".cache/pixels/")]
    for i in range(tries // 4):
        for force in ([], ["--force", "all"]):
            target = rng.choice(pixels if i % 4 == 0 else others)
            folder = reference
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder, symlinks=True)
            path = Path(folder, "ci-workspace", target)
            d = bytearray(path.read_bytes())
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(d))
            status, out, err, same = finish(folder, force)
            name = os.path.basename(target)
            named = name[:16] in (out + err) or "damaged" in (out + err)
            if status == "hang":
                outcome = "hang"
            elif isinstance(status, int) and status < 0:
                outcome = "crash"
            elif not same:
                outcome = "named, refused" if named and status != 0 else "different results"
            else:
                outcome = "named, recomputed" if named else "not read (same results)"
            kind = ("pixel cache file" if target.startswith(".cache/pixels/") else
                    "stage record" if target.startswith(".cache/stages/") else
                    "load result" if target.startswith(".cache/load/") else
                    "cache index" if target.startswith(".cache/") else os.path.basename(target) if "/models/" in target
                    else "experiment or comparison output")
            results.append({"campaign": "workspace", "kind": f"one flipped byte: {kind}" + (" (--force all)" if force else ""),
                            "outcome": outcome, "status": status, "seconds": 0, "stderr": (target + ": " + err)[-300:]})


def table(results):
    by = defaultdict(Counter)
    for r in results:
        by[(r["campaign"], r["kind"])][r["outcome"]] += 1
    outcomes = sorted({r["outcome"] for r in results})
    lines = ["| campaign | kind | tries | " + " | ".join(outcomes) + " |", "|---|---|---|" + "---|" * len(outcomes)]
    for (campaign, kind), c in sorted(by.items()):
        lines.append(f"| {campaign} | {kind} | {sum(c.values())} | " + " | ".join(str(c.get(o, "")) for o in outcomes) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--tries", type=int, default=200)
    ap.add_argument("--kinds", default="images,weights,specs,workspace")
    ap.add_argument("--output", default="hostile_campaign.json", help="raw outcomes (JSON)")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: swift build -c release --product monkpipe")
    rng = random.Random(args.seed)
    results = []
    kinds = args.kinds.split(",")
    with tempfile.TemporaryDirectory() as work:
        for kind, campaign in [("images", lambda: campaign_images(rng, args.tries, results)),
                               ("weights", lambda: campaign_weights(rng, args.tries, results, work)),
                               ("specs", lambda: campaign_specs(rng, args.tries, results)),
                               ("workspace", lambda: campaign_workspace(rng, args.tries, results, work))]:
            if kind in kinds:
                campaign()
                Path(args.output).write_text(json.dumps(results, indent=1))
    print(table(results))
    bad = [r for r in results if r["outcome"] in ("crash", "hang", "resumed different", "different results")]
    for r in bad:
        print(f"\n{r['campaign']} / {r['kind']}: {r['outcome']} ({r['status']}): {r['stderr']}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
