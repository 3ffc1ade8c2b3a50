#!/usr/bin/env python3
"""Reference speed: PyTorch CPU training/inference throughput for torchvision models.

Install once (large download): python3 -m pip install torch torchvision
Usage:  python3 benchmarks/torch_baseline.py --model resnet18 --size 128 --batch 16 [--mode train|infer]
        [--threads 2] [--iters 8] [--warmup 3] [--channels-last]
Prints one JSON line: model, size, batch, mode, images_per_s (median over iterations),
ms_per_iter, peak_rss_mb, torch version, threads. Random weights, 2 classes, SGD step.
"""
import argparse, json, resource, statistics, time

import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument("--model", default="resnet18")
p.add_argument("--size", type=int, default=128)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--mode", choices=["train", "infer"], default="train")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--iters", type=int, default=8)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--channels-last", action="store_true")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
model = getattr(torchvision.models, a.model)(num_classes=2)
fmt = torch.channels_last if a.channels_last else torch.contiguous_format
model = model.to(memory_format=fmt)
x = torch.randn(a.batch, 3, a.size, a.size).to(memory_format=fmt)
y = torch.randint(0, 2, (a.batch,))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()

def step():
    if a.mode == "train":
        model.train()
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()
    else:
        model.eval()
        with torch.no_grad():
            model(x)

for _ in range(a.warmup):
    step()
times = []
for _ in range(a.iters):
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
med = statistics.median(times)
print(json.dumps({
    "model": a.model, "size": a.size, "batch": a.batch, "mode": a.mode,
    "images_per_s": round(a.batch / med, 2), "ms_per_iter": round(med * 1000, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "torch": torch.__version__, "threads": a.threads, "channels_last": a.channels_last}))
