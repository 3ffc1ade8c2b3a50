# Reference numbers for TrainingStepTests.swift: two whole training steps of torchvision's
# resnet18 (10-class head) in training mode — forward, mean softmax cross-entropy, backward,
# torch.optim.SGD(lr 0.01, momentum 0.9, weight decay 1e-4) — on reference_common.image(4, 64)
# with labels [3, 7, 1, 9], weights filled by reference_common.fill. Recorded: the loss of
# each step; after the first backward, the gradient of eight tensors (L2 norm and 16 evenly
# spaced entries, PyTorch layout); the logits of each step's forward; after the second update,
# how far the two updates moved the same tensors (θ₂ − θ₀, recorded rather than θ₂ so that
# the filled values do not hide an error in the update) and four BatchNorm running statistics. (Not eval-mode logits: after
# two steps the running statistics are still mostly the filled ones, far from the batch's, and
# float32 alone moves those logits by 16%.)
# Computed in float64 (the reference) and float32; "float32_gap" is the largest difference
# between the two per quantity, relative to the quantity's largest magnitude: how much
# float32 rounding alone moves it, the floor for the Swift test's tolerance.
# Run: python3 training_step.py > training_step.json   (torch 2.15, torchvision 0.29)
import json, sys
import torch, torchvision
from reference_common import fill, image

TENSORS = ["conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
           "layer3.1.bn2.bias", "layer4.1.conv2.weight", "fc.weight", "fc.bias"]
STATS = ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_mean", "layer4.1.bn2.running_var"]
LABELS = [3, 7, 1, 9]


def sample(t):
    flat = t.detach().flatten()
    n = flat.numel()
    return {"norm": flat.norm().item(), "indices": [j * n // 16 for j in range(16)],
            "values": [flat[j * n // 16].item() for j in range(16)]}


def run(dtype):
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=10)
    fill(net)
    net = net.to(dtype).train()
    x = image(4, 64).to(dtype)
    y = torch.tensor(LABELS)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    params = dict(net.named_parameters())
    initial = {n: params[n].detach().clone() for n in TENSORS}
    out = {"losses": [], "logits": []}
    for step in range(2):
        opt.zero_grad()
        logits = net(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        out["logits"].append(logits.detach().flatten().tolist())
        loss.backward()
        out["losses"].append(loss.item())
        if step == 0:
            out["gradients"] = {n: sample(params[n].grad) for n in TENSORS}
        opt.step()
    state = net.state_dict()
    out["updates"] = {n: sample(params[n].detach() - initial[n]) for n in TENSORS}
    out["running_stats"] = {n: sample(state[n]) for n in STATS}
    return out


ref, f32 = run(torch.float64), run(torch.float32)


def gap(a, b):
    """Largest |a − b| relative to the largest |a|, over the numbers of one quantity."""
    if isinstance(a, dict):
        a, b = [a["norm"]] + a["values"], [b["norm"]] + b["values"]
    scale = max(abs(v) for v in a) or 1
    return max(abs(u - v) for u, v in zip(a, b)) / scale


ref["float32_gap"] = {
    **{f"losses.{i}": gap(ref["losses"][i:i + 1], f32["losses"][i:i + 1]) for i in range(2)},
    **{f"logits.{i}": gap(ref["logits"][i], f32["logits"][i]) for i in range(2)},
    **{f"{group}.{n}": gap(ref[group][n], f32[group][n]) for group in ["gradients", "updates", "running_stats"] for n in ref[group]},
}
ref["produced_by"] = "python3 training_step.py (torch %s, torchvision %s)" % (torch.__version__, torchvision.__version__)
ref["labels"] = LABELS
for k, v in ref["float32_gap"].items():
    print("%-40s %.2e" % (k, v), file=sys.stderr)
json.dump(ref, sys.stdout, indent=1)
print()
