#!/usr/bin/env python3
"""A real `monkpipe run` epoch against `monkpipe bench` and a plain PyTorch training loop.

What a user compares: the images/s of a whole pipeline epoch (loader, augmentation, metrics,
progress, checkpoint) against the bare training step (`monkpipe bench`), and against the
loop they would otherwise write: torchvision ImageFolder + DataLoader (2 workers) + SGD,
on the same images, same batch and input size, from scratch.

For each model and round, in this order (so a change in machine load hits each of them):
  1. `monkpipe run` of a fresh workspace: one epoch from scratch on a subset of the chest
     X-ray training folder (default 400 images, 0.3 held out for validation as Monk does);
     the epoch's training-loop images/s (waits for data included) and its validation pass
     are read from the experiment's history.json and experiment-state.json, the whole run's wall time beside them.
  2. `monkpipe bench --mode train` at the same model, size and batch (random data).
  3. PyTorch: the same number of training images from the same folder, Resize + flip +
     normalisation as monkpipe's default train transforms, DataLoader(num_workers=2,
     shuffle=True), SGD(lr 0.01, momentum 0.9, as monkpipe's default), one epoch, then a
     validation pass under no_grad.
  4. With --monk PYTHON (the interpreter of the environment benchmarks/install_monk.sh makes):
     Monk itself (monk-gluon-cpu 0.0.1, MXNet 1.9.1) on the same folder, its quick-mode
     tutorial for one epoch from scratch with nothing frozen (benchmarks/monk_epoch.py): batch
     4, 224 px, Monk's own 0.7/0.3 split, SGD lr 0.01, a loader with one worker per CPU. Its
     Train() is timed whole (validation, Monk's model exports and plots included) and, inside
     it, its training loop alone over the training images it used, the number held against
     the run's epoch images/s.
The load averages (1, 5, 15 minutes) are printed with every step; ratios are taken between
medians. Beside the wall-clock ratio, CPU milliseconds per training image (the run's whole
process over its training loop, loader threads included, against bench's step; Monk's process
and loader workers over its loop): on a shared machine that ratio still says whether the
pipeline costs anything beyond its step.

Usage: python3 benchmarks/run_vs_torch.py [--monkpipe .build/release/monkpipe]
           [--models resnet50_v2 densenet121] [--images 400] [--batch 4] [--size 224]
           [--rounds 2] [--threads 2] [--workdir /tmp/monkpipe-run-bench]
           [--monk /path/to/venv-monk/bin/python]
Needs a release build of monkpipe and `pip install torch torchvision`; --monk needs
`sh benchmarks/install_monk.sh VENV` once (and the default --batch 4 and --size 224: Monk's
quick mode has no other). The data folder is $MONKPIPE_SHARED_DIR/data/chest_xray/train
(default ../shared beside the repository).
"""
import json, os, random, re, shutil, statistics, subprocess, sys, time

from benchcommon import SHARED, bench, parse, parser, run_json
TRAIN = os.path.join(SHARED, "data", "chest_xray", "train")
# monkpipe network → torchvision network (resnet50 v1 has the FLOPs of the pre-activation v2).
TORCH_NAMES = {"resnet50_v2": "resnet50", "resnet50_v1": "resnet50", "resnet18_v1": "resnet18",
               "densenet121": "densenet121", "mobilenet_v2": "mobilenet_v2"}
# monkpipe network → Monk's name of the same Gluon network.
MONK_NAMES = {"resnet50_v2": "resnet50_v2", "resnet50_v1": "resnet50_v1", "resnet18_v1": "resnet18_v1",
              "densenet121": "densenet121", "mobilenet_v2": "mobilenetv2_1.0"}
MONK_DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monk_epoch.py")


def loadavg():
    """The 1, 5 and 15-minute load averages, as `uptime` prints them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_subset(root, count):
    """`count` images of the training folder, both classes in their proportion, as symlinks."""
    classes = sorted(d for d in os.listdir(TRAIN) if os.path.isdir(os.path.join(TRAIN, d)))
    files = {c: sorted(f for f in os.listdir(os.path.join(TRAIN, c)) if f.lower().endswith((".jpeg", ".jpg", ".png")))
             for c in classes}
    total = sum(len(v) for v in files.values())
    rng = random.Random(0)
    for c in classes:
        take = round(count * len(files[c]) / total)
        os.makedirs(os.path.join(root, c), exist_ok=True)
        for f in rng.sample(files[c], take):
            os.symlink(os.path.join(TRAIN, c, f), os.path.join(root, c, f))
    return classes


PIPELINE = """project: speed
workspace: {workspace}
seed: 1
threads: {threads}
data:
  train: {train}
  val: {{fraction: {val}, stratified: true, seed: 1}}
  input_size: {size}
  batch_size: {batch}
  workers: 2
defaults:
  pretrained: false
  epochs: 1
  optimizer: {{type: sgd, lr: 0.01}}
  lr_schedule: fixed
experiments:
  e: {{model: {model}}}
"""


def monkpipe_run(a, model, work, data, tag):
    workspace = os.path.join(work, f"ws-{tag}")
    shutil.rmtree(workspace, ignore_errors=True)
    spec = os.path.join(work, f"{tag}.yaml")
    with open(spec, "w") as f:
        f.write(PIPELINE.format(workspace=workspace, threads=a.threads, train=data, size=a.size, batch=a.batch, model=model,
                                val=0.3))
    t0 = time.perf_counter()
    out = subprocess.run([a.monkpipe, "run", spec], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    root = os.path.join(workspace, "speed", "e")
    with open(os.path.join(root, "output", "logs", "history.json")) as f:
        epoch = json.load(f)[0]
    with open(os.path.join(root, "experiment-state.json")) as f:
        training = json.load(f)["training"]
    cpu = epoch.get("trainCPUSeconds")
    return {"train_ips": epoch["trainImagesPerSecond"], "val_s": epoch.get("validationSeconds"),
            "cpu_ms_per_image": cpu * 1000 / training["trainImages"] if cpu else float("nan"),
            "epoch_s": epoch["seconds"], "wall_s": wall,
            "train_images": training["trainImages"], "val_images": training["validationImages"]}


def monkpipe_bench(a, model):
    m = bench(a, model, a.size, a.batch, "train", a.iterations)
    return m["images_per_s"], m["cpu_ms_per_iter"] / a.batch


TORCH_LOOP = r"""
import json, random, sys, time, torch, torchvision
from torchvision import transforms as T
root, name, size, batch, threads, train_n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads); torch.manual_seed(0)
norm = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
train_tf = T.Compose([T.Resize((size, size)), T.RandomHorizontalFlip(), T.ToTensor(), norm])
eval_tf = T.Compose([T.Resize((size, size)), T.ToTensor(), norm])
full = torchvision.datasets.ImageFolder(root)
idx = list(range(len(full))); random.Random(1).shuffle(idx)
train_set = torch.utils.data.Subset(torchvision.datasets.ImageFolder(root, train_tf), idx[:train_n])
val_set = torch.utils.data.Subset(torchvision.datasets.ImageFolder(root, eval_tf), idx[train_n:])
train = torch.utils.data.DataLoader(train_set, batch_size=batch, shuffle=True, num_workers=2)
val = torch.utils.data.DataLoader(val_set, batch_size=batch, shuffle=False, num_workers=2)
model = getattr(torchvision.models, name)(num_classes=len(full.classes))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
t0 = time.perf_counter(); model.train()
for x, y in train:
    opt.zero_grad(set_to_none=True); loss_fn(model(x), y).backward(); opt.step()
t1 = time.perf_counter(); model.eval()
with torch.no_grad():
    for x, y in val: model(x)
t2 = time.perf_counter()
print(json.dumps({"train_ips": train_n / (t1 - t0), "train_s": t1 - t0, "val_s": t2 - t1, "val_images": len(val_set)}))
"""


def torch_loop(a, model, data, train_n):
    out = subprocess.run([sys.executable, "-c", TORCH_LOOP, data, TORCH_NAMES[model], str(a.size), str(a.batch),
                          str(a.threads), str(train_n)], check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def monk_epoch(a, model, work, data, tag):
    """Monk's quick-mode epoch in its own environment (monk_epoch.py), MXNet held to --threads."""
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    workspace = os.path.join(work, f"monk-{tag}")
    try:
        return run_json([a.monk, MONK_DRIVER, "--data", data, "--model", MONK_NAMES[model],
                         "--workdir", workspace, "--seed", "1"], env=env)
    except subprocess.CalledProcessError as e:
        sys.exit(f"Monk's epoch failed ({' '.join(e.cmd)}):\n{(e.stdout or '')[-2000:]}{(e.stderr or '')[-3000:]}")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)    # Monk saves four full copies of the network


def main():
    p = parser(__doc__)
    p.add_argument("--models", nargs="+", default=["resnet50_v2", "densenet121"])
    p.add_argument("--images", type=int, default=400)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--iterations", type=int, default=10, help="timed bench steps")
    p.add_argument("--workdir", default="/tmp/monkpipe-run-bench")
    p.add_argument("--skip-torch", action="store_true")
    p.add_argument("--monk", metavar="PYTHON", help="also time Monk's own tutorial epoch, with this interpreter "
                   "(the venv of benchmarks/install_monk.sh)")
    a = parse(p)
    if a.monk:
        if a.size != 224 or a.batch != 4:
            sys.exit("--monk: Monk's quick mode trains at 224 px and batch 4 only; drop --size/--batch")
        if not os.path.exists(a.monk):
            sys.exit(f"{a.monk} not found: install Monk with `sh benchmarks/install_monk.sh VENV`, then --monk VENV/bin/python")
        missing = [m for m in a.models if m not in MONK_NAMES]
        if missing:
            sys.exit(f"--monk: no Monk network for {', '.join(missing)} (known: {', '.join(MONK_NAMES)})")
    if not os.path.isdir(TRAIN):
        sys.exit(f"chest X-ray training folder not found at {TRAIN}: set MONKPIPE_SHARED_DIR")
    shutil.rmtree(a.workdir, ignore_errors=True)
    data = os.path.join(a.workdir, "data", "train")
    make_subset(data, a.images)
    for model in a.models:
        rows = {"run": [], "bench": [], "torch": [], "run_val": [], "torch_val": [], "run_cpu": [], "bench_cpu": [],
                "run_epoch": [], "monk": [], "monk_call": [], "monk_cpu": [], "monk_val": []}
        for r in range(a.rounds):
            load = loadavg()
            run = monkpipe_run(a, model, a.workdir, data, f"{model}-{r}")
            bench, bench_cpu = monkpipe_bench(a, model)
            rows["run"].append(run["train_ips"]); rows["bench"].append(bench)
            rows["run_cpu"].append(run["cpu_ms_per_image"]); rows["bench_cpu"].append(bench_cpu)
            rows["run_val"].append(run["val_images"] / run["val_s"] if run["val_s"] else float("nan"))
            rows["run_epoch"].append(run["train_images"] / run["epoch_s"])
            line = (f"{model} {a.size}px batch {a.batch} round {r + 1} (load {load}): run epoch {run['train_ips']:.2f} img/s "
                    f"({run['train_images']} images; validation {run['val_images']} in {run['val_s'] or float('nan'):.1f} s; "
                    f"epoch {run['epoch_s']:.1f} s, whole run {run['wall_s']:.1f} s), bench {bench:.2f} img/s; "
                    f"CPU ms per training image: run {run['cpu_ms_per_image']:.0f}, bench {bench_cpu:.0f}")
            print(line + f" (load {loadavg()})", flush=True)
            if not a.skip_torch:
                t = torch_loop(a, model, data, run["train_images"])
                rows["torch"].append(t["train_ips"]); rows["torch_val"].append(t["val_images"] / t["val_s"])
                print(f"    PyTorch loop {t['train_ips']:.2f} img/s (validation {t['val_images']} in {t['val_s']:.1f} s), "
                      f"load after {loadavg()}", flush=True)
            if a.monk:
                m = monk_epoch(a, model, a.workdir, data, f"{model}-{r}")
                rows["monk"].append(m["train_ips"]); rows["monk_call"].append(m["train_call_ips"])
                rows["monk_cpu"].append(m["cpu_ms_per_image"]); rows["monk_val"].append(m["val_images"] / m["val_s"])
                print(f"    Monk {m['train_ips']:.2f} img/s (training loop: {m['train_images']} images in {m['train_loop_s']:.1f} s; "
                      f"validation {m['val_images']} in {m['val_s']:.1f} s; Train() {m['train_call_s']:.1f} s in all); "
                      f"CPU ms per training image {m['cpu_ms_per_image']:.0f}; load after {loadavg()}", flush=True)
        med = {k: statistics.median(v) for k, v in rows.items() if v}
        print(f"  {model}: run / bench = {med['run'] / med['bench']:.3f} ({med['run']:.2f} / {med['bench']:.2f} img/s); "
              f"CPU per image bench / run = {med['bench_cpu'] / med['run_cpu']:.3f} ({med['bench_cpu']:.0f} / {med['run_cpu']:.0f} ms)")
        if "torch" in med:
            print(f"  {model}: run / PyTorch loop = {med['run'] / med['torch']:.2f} ({med['run']:.2f} / {med['torch']:.2f} img/s); "
                  f"validation {med['run_val']:.2f} / {med['torch_val']:.2f} img/s = {med['run_val'] / med['torch_val']:.2f}")
        if "monk" in med:
            print(f"  {model}: run / Monk = {med['run'] / med['monk']:.2f} ({med['run']:.2f} / {med['monk']:.2f} img/s, training loops); "
                  f"training images per second of the run's epoch (validation included) / of Monk's Train() (validation, "
                  f"model exports and plots included) = {med['run_epoch']:.2f} / {med['monk_call']:.2f} = "
                  f"{med['run_epoch'] / med['monk_call']:.2f}; "
                  f"validation {med['run_val']:.2f} / {med['monk_val']:.2f} img/s; "
                  f"CPU per training image Monk / run = {med['monk_cpu'] / med['run_cpu']:.2f} "
                  f"({med['monk_cpu']:.0f} / {med['run_cpu']:.0f} ms)")


if __name__ == "__main__":
    main()
