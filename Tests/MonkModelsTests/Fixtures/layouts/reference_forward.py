# Reference logits for NetworkForwardTests.swift: torchvision networks with a 10-class head,
# every state-dict entry filled by a closed formula (the Swift test fills ours the same way),
# run on a closed-formula input, in eval mode. (Training mode is not compared here: with
# random weights, batch statistics of near-constant channels make float32 results
# ill-conditioned — torch itself differs by >50% between float32 and float64.) Run: python3 reference_forward.py  (torch 2.15, torchvision 0.29)
import math, torch, torchvision

def fill(model):
    k = 0
    for name, t in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        n = t.numel()
        base = torch.tensor([math.sin(0.37 * i + 1.3 * k) for i in range(n)], dtype=torch.float64)
        if name.endswith("running_var"):
            v = 1 + 0.5 * base * base
        elif name.endswith("running_mean"):
            v = 0.1 * base
        elif t.dim() >= 2:
            v = base * math.sqrt(2.0 / (n // t.shape[0]))
        elif name.endswith("weight"):
            v = 1 + 0.1 * base
        else:
            v = 0.1 * base
        t.copy_(v.reshape(t.shape).to(torch.float32))
        k += 1

def image(n, size):
    x = torch.empty(n, 3, size, size, dtype=torch.float64)
    for b in range(n):
        for c in range(3):
            for h in range(size):
                for w in range(size):
                    x[b, c, h, w] = math.sin(0.3 * h + 0.7 * w + 1.1 * c + 2.3 * b)
    return x.to(torch.float32)

nets = {
    "resnet18": torchvision.models.resnet18(num_classes=10),
    "resnet50": torchvision.models.resnet50(num_classes=10),
    "densenet121": torchvision.models.densenet121(num_classes=10),
    "mobilenet_v2": torchvision.models.mobilenet_v2(num_classes=10),
}
x = image(2, 32)
for name, m in nets.items():
    fill(m)
    m.eval()
    with torch.no_grad():
        y = m(x)
    print(name, "eval", [round(v, 5) for v in y.flatten().tolist()])
