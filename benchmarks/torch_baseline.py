#!/usr/bin/env python3
"""Reference speed: PyTorch CPU training/inference throughput for torchvision models.

Install once (large download): python3 -m pip install torch torchvision
Usage:  python3 benchmarks/torch_baseline.py --model resnet18 --size 128 --batch 16 [--mode train|infer]
        [--threads 2] [--iters 8] [--warmup 3] [--channels-last]
Prints one JSON line: model, size, batch, mode, images_per_s (median over iterations),
ms_per_iter, peak_rss_mb, torch version, threads. Random weights, 2 classes, SGD step.
train_vs_torch.py --paired imports build_step() for its PyTorch workers.
"""
import argparse, json, resource, statistics, time

import torch
import torchvision


def build_step(model, size, batch, mode, threads, channels_last, fresh_labels=False):
    """One step of torchvision's `model` with 2 classes on random data, as a function: for
    "train", forward + cross-entropy + backward + SGD (momentum 0.9), the same step as
    `monkpipe bench --mode train`; for "infer", a forward without gradients.

    On one fixed batch the network learns its labels within about 13 steps: the loss reaches 0,
    the gradients shrink below 1e-38 into denormal numbers, and from about the 20th step a step
    takes 3-60 times as long (resnet50, batch 4, on a Xeon: 0.6 s, then 1.8 s, 15 s, 34 s).
    `fresh_labels` draws new labels at the start of each step (a few microseconds), so that a
    long run keeps the cost of an ordinary training step."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = getattr(torchvision.models, model)(num_classes=2)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    net = net.to(memory_format=fmt)
    x = torch.randn(batch, 3, size, size).to(memory_format=fmt)
    y = torch.randint(0, 2, (batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        if mode == "train":
            if fresh_labels:
                y.random_(0, 2)
            net.train()
            opt.zero_grad(set_to_none=True)
            loss_fn(net(x), y).backward()
            opt.step()
        else:
            net.eval()
            with torch.no_grad():
                net(x)
    return step


def peak_rss_mb():
    """This process's peak resident memory so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main():
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

    # New labels each step, as --paired's workers draw them: with `--iters` past about 12 the
    # fixed batch would be learnt and the later steps slowed by denormal gradients.
    step = build_step(a.model, a.size, a.batch, a.mode, a.threads, a.channels_last, fresh_labels=True)
    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.iters):
        t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(json.dumps({
        "model": a.model, "size": a.size, "batch": a.batch, "mode": a.mode,
        "images_per_s": round(a.batch / med, 2), "ms_per_iter": round(med * 1000, 1),
        "peak_rss_mb": peak_rss_mb(),
        "torch": torch.__version__, "threads": a.threads, "channels_last": a.channels_last}))


if __name__ == "__main__":
    main()
