#!/usr/bin/env python3
"""Parity of monkpipe with MXNet Gluon on Gluon's own .params files, in all three name styles.

Needs MXNet 1.9.1 (not needed by monkpipe or its tests):
    python3 -m venv v && v/bin/pip install mxnet==1.9.1 "numpy<1.24" pillow

Two modes:

  v/bin/python benchmarks/gluon_parity.py --monkpipe .build/release/monkpipe [--results benchmarks/gluon_RESULTS.md]
      Full-size models (resnet18_v1, resnet18_v2, resnet50_v2, densenet121, densenet169,
      mobilenetv2_1.0) with random weights and random, non-trivial BatchNorm statistics, saved
      as save_parameters (structural names), collect_params().save (prefixed names, as the
      model zoo's files; and with the model's prefix) and export (arg:/aux:). Five different
      images (the ImageNet samples, resized to 224) go through MXNet in one batch and through
      `monkpipe classify --raw --json` in one batch; prints the largest relative difference.

  v/bin/python benchmarks/gluon_parity.py --fixtures Tests/MonkModelsTests/Fixtures/gluon
      Tiny-width versions of the same Gluon classes (kilobytes per file) and the logits MXNet
      computes for three synthetic 224×224 images, for the Swift tests (GluonWeightsTests),
      which then need no MXNet.

Relative difference = max |monkpipe − MXNet| / max |MXNet| over all logits of the batch.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import mxnet as mx
from mxnet.gluon.model_zoo import vision
from mxnet.gluon.model_zoo.vision.resnet import ResNetV1, ResNetV2, BasicBlockV1, BasicBlockV2, BottleneckV2
from mxnet.gluon.model_zoo.vision.densenet import DenseNet
from mxnet.gluon.model_zoo.vision.mobilenet import MobileNetV2

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# monkpipe's model name → Gluon's model zoo name.
FULL = [("resnet18_v1", "resnet18_v1"), ("resnet18_v2", "resnet18_v2"), ("resnet50_v2", "resnet50_v2"),
        ("densenet121", "densenet121"), ("densenet169", "densenet169"), ("mobilenet_v2", "mobilenetv2_1.0")]


def randomize(net, seed):
    """Random weights everywhere and BatchNorm statistics far from 0/1, so that a statistic
    loaded into the wrong place changes the logits. Gluon's input BatchNorm (scale=False,
    center=False) gets a random gamma (MXNet ignores it) and beta (MXNet adds it)."""
    rng = np.random.RandomState(seed)
    for name, p in sorted(net.collect_params().items()):
        shape = p.shape
        if name.endswith("running_var"):
            v = rng.uniform(0.5, 2.0, shape)
        elif name.endswith("running_mean"):
            v = rng.uniform(-0.5, 0.5, shape)
        elif name.endswith("gamma"):
            v = rng.uniform(0.5, 1.5, shape)
        elif name.endswith("beta") or name.endswith("bias"):
            v = rng.uniform(-0.2, 0.2, shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            v = rng.normal(0, (2.0 / fan_in) ** 0.5, shape)
        p.set_data(mx.nd.array(v.astype(np.float32)))


def save_all_styles(net, stem, styles):
    """Writes `net` in the requested styles; returns {style: path}."""
    out = {}
    if "structural" in styles:
        out["structural"] = stem + "-structural.params"
        net.save_parameters(out["structural"])
    if "prefixed" in styles:
        # The model zoo's files: collect_params().save without the model's own prefix.
        out["prefixed"] = stem + "-prefixed.params"
        net.collect_params().save(out["prefixed"], strip_prefix=net.prefix)
    if "prefixed-full" in styles:
        out["prefixed-full"] = stem + "-prefixed-full.params"
        net.collect_params().save(out["prefixed-full"])
    if "export" in styles:
        net.hybridize()
        net(mx.nd.zeros((1, 3, 224, 224)))
        net.export(stem + "-export")
        out["export"] = stem + "-export-0000.params"
        os.remove(stem + "-export-symbol.json")
    return out


def relative_difference(ours, theirs):
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    return float(np.abs(ours - theirs).max() / np.abs(theirs).max())


def full_size(args):
    from PIL import Image
    samples = args.samples
    names = ["grace_hopper.png", "cat.png", "parrot.jpg", "hot_dog.jpg", "bird.png"]
    tmp = tempfile.mkdtemp(prefix="gluon-parity-")
    images, batch = [], []
    for n in names:
        # Resized here once, so monkpipe's own resize to 224 is the identity and both sides
        # see the same pixels.
        im = Image.open(os.path.join(samples, n)).convert("RGB").resize((224, 224), Image.BILINEAR)
        path = os.path.join(tmp, os.path.splitext(n)[0] + ".png")
        im.save(path)
        images.append(path)
        x = (np.asarray(im, dtype=np.float32) / 255 - MEAN) / STD
        batch.append(x.transpose(2, 0, 1))
    x = mx.nd.array(np.stack(batch))
    rows = []
    for ours, theirs in FULL:
        net = vision.get_model(theirs, pretrained=False)
        net.initialize()
        net(mx.nd.zeros((1, 3, 224, 224)))
        randomize(net, seed=len(rows) + 1)
        reference = net(x).asnumpy()
        files = save_all_styles(net, os.path.join(tmp, theirs), ["structural", "prefixed", "prefixed-full", "export"])
        for style, path in files.items():
            run = subprocess.run([args.monkpipe, "classify", "--model", ours, "--weights", path, "--raw", "--json",
                                  "--top", "1"] + images, capture_output=True, text=True)
            if run.returncode != 0:
                rows.append((ours, theirs, style, None, run.stderr.strip()))
                continue
            logits = [json.loads(line)["logits"] for line in run.stdout.splitlines() if line.strip()]
            rows.append((ours, theirs, style, relative_difference(logits, reference), ""))
            print(f"{ours:14} {style:14} {rows[-1][3]:.2e}", flush=True)
            os.remove(path)
    lines = ["| monkpipe model | Gluon model | name style | max relative difference (5 images, one batch) |",
             "|---|---|---|---|"]
    for ours, theirs, style, diff, err in rows:
        lines.append(f"| {ours} | {theirs} | {style} | {'FAILED: ' + err if diff is None else f'{diff:.2e}'} |")
    table = "\n".join(lines)
    print(table)
    if args.results:
        with open(args.results, "w") as f:
            f.write("# monkpipe vs MXNet Gluon: logits on Gluon's own .params files\n\n")
            f.write("Produced by `benchmarks/gluon_parity.py --monkpipe .build/release/monkpipe --results "
                    "benchmarks/gluon_RESULTS.md` with mxnet 1.9.1 (numpy 1.23), random weights and random "
                    "BatchNorm statistics (seeded), the five ImageNet samples resized to 224 in one batch.\n"
                    "Styles: structural = `save_parameters`; prefixed = `collect_params().save(strip_prefix=net.prefix)` "
                    "(the model zoo's files); prefixed-full = `collect_params().save()` (with the model's prefix); "
                    "export = `export()` (`arg:`/`aux:`).\n\n")
            f.write(table + "\n")
    return 0 if all(r[3] is not None and r[3] < 1e-3 for r in rows) else 1


# Tiny versions of Gluon's classes: same layouts, same depths, narrow widths.
def tiny_models():
    m = 0.07
    mobile = {"stem": int(32 * m), "stages": [int(c * m) for c in [16, 24, 32, 64, 96, 160, 320]], "last": 1280}
    return [
        ("resnet18_v1", {"widths": [2, 4, 8, 16]},
         lambda: ResNetV1(BasicBlockV1, [2, 2, 2, 2], [2, 2, 4, 8, 16], classes=3),
         ["structural", "prefixed"], "float32"),
        ("resnet18_v2", {"widths": [2, 4, 8, 16]},
         lambda: ResNetV2(BasicBlockV2, [2, 2, 2, 2], [2, 2, 4, 8, 16], classes=3),
         ["structural", "prefixed"], "float32"),
        ("resnet50_v2", {"widths": [1, 2, 4, 8]},
         lambda: ResNetV2(BottleneckV2, [3, 4, 6, 3], [1, 4, 8, 16, 32], classes=3),
         ["structural", "prefixed", "prefixed-full", "export"], "float32"),
        ("densenet121", {"blockCounts": [6, 12, 24, 16], "initFeatures": 2, "growthRate": 1},
         lambda: DenseNet(2, 1, [6, 12, 24, 16], classes=3),
         ["structural", "prefixed"], "float32"),
        # Gluon keeps 1280 last channels below multiplier 1: stored as float16 to stay small
        # (the reference runs in float32 on the same, float16-rounded, values).
        ("mobilenet_v2", {"stemWidth": mobile["stem"], "stageWidths": mobile["stages"], "lastChannels": mobile["last"]},
         lambda: MobileNetV2(multiplier=m, classes=3),
         ["prefixed"], "float16"),
    ]


def synthetic_batch():
    """Three different 224×224 images, NCHW, from a formula the Swift test repeats."""
    n, c, h, w = np.meshgrid(np.arange(3), np.arange(3), np.arange(224), np.arange(224), indexing="ij")
    return np.sin(0.05 * (h + 1) * (n + 1) + 0.07 * (w + 1) * (c + 1) + n).astype(np.float32)


def fixtures(args):
    os.makedirs(args.fixtures, exist_ok=True)
    x = mx.nd.array(synthetic_batch())
    manifest = {"script": "benchmarks/gluon_parity.py --fixtures", "mxnet": mx.__version__,
                "input": "sin(0.05*(h+1)*(n+1) + 0.07*(w+1)*(c+1) + n), n < 3, 224x224, NCHW", "models": []}
    for i, (name, config, make, styles, dtype) in enumerate(tiny_models()):
        net = make()
        net.initialize()
        net(mx.nd.zeros((1, 3, 224, 224)))
        randomize(net, seed=100 + i)
        if dtype == "float16":
            net.cast("float16")
            files = save_all_styles(net, os.path.join(args.fixtures, name), styles)
            net.cast("float32")
        else:
            files = save_all_styles(net, os.path.join(args.fixtures, name), styles)
        logits = net(x).asnumpy()
        manifest["models"].append({"model": name, "config": config, "dtype": dtype,
                                   "files": {s: os.path.basename(p) for s, p in files.items()},
                                   "logits": [[float(v) for v in row] for row in logits]})
        print(name, {s: os.path.getsize(p) for s, p in files.items()})
    with open(os.path.join(args.fixtures, "expected.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--monkpipe", help="monkpipe binary for the full-size comparison")
    parser.add_argument("--results", help="write the table as Markdown here")
    parser.add_argument("--samples", default=os.environ.get("MONKPIPE_SHARED_DIR", "../shared") + "/data/imagenet-samples")
    parser.add_argument("--fixtures", help="write the tiny test fixtures into this folder instead")
    args = parser.parse_args()
    if args.fixtures:
        return fixtures(args)
    if not args.monkpipe:
        parser.error("give --monkpipe (full-size parity) or --fixtures DIR")
    return full_size(args)


if __name__ == "__main__":
    sys.exit(main())
