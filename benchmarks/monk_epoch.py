#!/usr/bin/env python3
"""Monk's own quick-mode tutorial for one epoch from scratch, timed: the Monk side of run_vs_torch.py.

Runs under the interpreter of the environment benchmarks/install_monk.sh makes (monk-gluon-cpu
0.0.1 on MXNet 1.9.1), not the repository's Python. It does what the tutorial does — a
prototype, Prototype(project, experiment), Default(folder, model, epochs) in quick mode (batch 4,
224 px, 0.7/0.3 split, SGD lr 0.01, a loader with one worker per CPU), Train() — with two
changes: the network starts from random weights (quick mode always asks for ImageNet weights,
which cannot be downloaded here) and nothing is frozen (the tutorial trains the whole network,
as monkpipe's run does).

What is timed: Train() as a whole (training loop, validation, Monk's model exports, plots and
state files), and inside it the training loop and the validation pass, each from the first
batch asked of its loader until the loader is spent and MXNet's queue drained; the CPU seconds
of this process and its loader workers over the training loop beside them. The split is seeded
(torch.manual_seed: Monk splits with torch's random_split) so that rounds train on the same images.

Usage: monk_epoch.py --data FOLDER --model resnet50_v2 --workdir DIR [--epochs 1] [--seed 1]
       monk_epoch.py --check     imports Monk and builds one network on a few generated images
The last line printed is one JSON object.
"""
import argparse, json, os, random, shutil, sys, tempfile, time


def cpu_seconds(psutil):
    """User + system CPU seconds of this process and of its children alive now (loader workers)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


class TimedLoader:
    """Stands in for one of Monk's data loaders and times every full pass over it."""

    def __init__(self, loader, mx, psutil):
        self.loader, self.mx, self.psutil, self.passes = loader, mx, psutil, []

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        wall, cpu, images = time.perf_counter(), cpu_seconds(self.psutil), 0
        for batch in self.loader:
            images += batch[0].shape[0]
            yield batch
        # MXNet runs operations asynchronously: the last step counts only once it is done.
        self.mx.nd.waitall()
        self.passes.append({"images": images, "seconds": time.perf_counter() - wall,
                            "cpu_seconds": cpu_seconds(self.psutil) - cpu})


def from_scratch_prototype():
    """Monk's gluon prototype whose quick mode builds its network with random weights."""
    from monk.gluon_prototype import prototype

    class FromScratch(prototype):
        def Model_Params(self, model_name="resnet18_v1", freeze_base_network=True, use_gpu=True,
                         use_pretrained=True, model_path=False):
            # Default() passes use_pretrained=True whatever it is told; this is the one change.
            super().Model_Params(model_name=model_name, freeze_base_network=freeze_base_network,
                                 use_gpu=use_gpu, use_pretrained=False, model_path=model_path)

    return FromScratch(verbose=1)


def seed_everything(seed):
    import mxnet as mx, numpy as np, torch
    random.seed(seed); np.random.seed(seed); mx.random.seed(seed); torch.manual_seed(seed)


def epoch(a):
    import mxnet as mx, psutil
    seed_everything(a.seed)
    data = os.path.abspath(a.data)
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    os.chdir(a.workdir)     # Monk writes its workspace/ into the working directory
    gtf = from_scratch_prototype()
    gtf.Prototype("speed", a.model)
    gtf.Default(dataset_path=data, model_name=a.model, freeze_base_network=False, num_epochs=a.epochs)
    loaders = gtf.system_dict["local"]["data_loaders"]
    train = loaders["train"] = TimedLoader(loaders["train"], mx, psutil)
    val = loaders["val"] = TimedLoader(loaders["val"], mx, psutil)
    t0 = time.perf_counter()
    gtf.Train()
    train_s = time.perf_counter() - t0
    if len(train.passes) != a.epochs or len(val.passes) != a.epochs:
        sys.exit(f"Train() made {len(train.passes)} training and {len(val.passes)} validation passes, "
                 f"expected {a.epochs} each")
    images = sum(p["images"] for p in train.passes)
    loop_s = sum(p["seconds"] for p in train.passes)
    val_images = sum(p["images"] for p in val.passes)
    val_s = sum(p["seconds"] for p in val.passes)
    return {"model": a.model, "epochs": a.epochs, "train_call_s": train_s, "train_images": images,
            "train_loop_s": loop_s, "train_ips": images / loop_s, "train_call_ips": images / train_s,
            "cpu_ms_per_image": 1000 * sum(p["cpu_seconds"] for p in train.passes) / images,
            "val_images": val_images, "val_s": val_s,
            "num_workers": gtf.system_dict["dataset"]["params"]["num_workers"],
            "omp_threads": os.environ.get("OMP_NUM_THREADS")}


def check():
    """Imports Monk and builds one network (resnet18_v1) on eight generated 32×32 images."""
    import mxnet as mx, numpy as np, torch
    from PIL import Image
    root = tempfile.mkdtemp(prefix="monk-check-")
    try:
        rng = np.random.default_rng(0)
        for c in ("a", "b"):
            os.makedirs(os.path.join(root, "data", c))
            for i in range(4):
                pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(os.path.join(root, "data", c, f"{i}.png"))
        os.chdir(root)
        gtf = from_scratch_prototype()
        gtf.Prototype("check", "e")
        gtf.Default(dataset_path=os.path.join(root, "data"), model_name="resnet18_v1",
                    freeze_base_network=False, num_epochs=1)
        net = gtf.system_dict["local"]["model"]
        out = net(mx.nd.zeros((1, 3, 224, 224)))
        if out.shape != (1, 2):
            sys.exit(f"the network built by Monk gives {out.shape}, expected (1, 2)")
        return {"check": "ok", "model": "resnet18_v1", "output_shape": list(out.shape),
                "mxnet": mx.__version__, "numpy": np.__version__, "torch": torch.__version__}
    finally:
        os.chdir("/")
        shutil.rmtree(root, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="import Monk and build one network, then exit")
    p.add_argument("--data", help="an image folder with one subfolder per class")
    p.add_argument("--model", help="Monk's name of the network (resnet50_v2, densenet121, …)")
    p.add_argument("--workdir", help="where Monk's workspace/ goes (emptied first)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.check:
        print(json.dumps(check()))
        return
    if not (a.data and a.model and a.workdir):
        p.error("--data, --model and --workdir are needed (or --check)")
    if not os.path.isdir(a.data):
        p.error(f"{a.data} is not a folder")
    print(json.dumps(epoch(a)), flush=True)


if __name__ == "__main__":
    main()
