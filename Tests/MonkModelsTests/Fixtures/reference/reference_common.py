# What the reference scripts in this folder share with the Swift tests that read their output
# (Tests/MonkModelsTests/ReferenceFixtures.swift does the same in Swift): weights filled by a
# closed formula, an input batch whose items differ clearly, and the pre-activation ResNet
# built from its description (He et al. 2016, "Identity Mappings in Deep Residual Networks",
# as MXNet Gluon's resnet18_v2/resnet50_v2 lay it out), since torchvision has none.
import math
import torch
from torch import nn


def fill(model):
    """State-dict entry k (in order, without num_batches_tracked) gets
    base(i) = sin(2.1·i + 0.013·i² + 1.3·k) over its flat index i (PyTorch layout): values
    spread over [-1, 1] with mean square 1/2 and no smooth pattern, shaped per kind of tensor.
    Weight matrices get He's variance 2/fan_in, and running variances average 1, so signals
    keep their size through a deep network in eval mode and every item of a batch stays
    distinguishable at the logits."""
    k = 0
    for name, t in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        n = t.numel()
        i = torch.arange(n, dtype=torch.float64)
        base = torch.sin(2.1 * i + 0.013 * i * i + 1.3 * k)
        if name.endswith("running_var"):
            v = 0.75 + 0.5 * base * base
        elif name.endswith("running_mean"):
            v = 0.1 * base
        elif t.dim() >= 2:
            v = base * math.sqrt(4.0 / (n // t.shape[0]))
        elif name.endswith("weight"):
            v = 1 + 0.1 * base
        else:
            v = 0.1 * base
        t.copy_(v.reshape(t.shape).to(t.dtype))
        k += 1


def image(n, size):
    """x[b, c, h, w] = (1 + 0.5b)·sin((0.3 + 0.11b)·h + (0.7 − 0.13b)·w + 1.1c + 2.3b): each
    item has its own frequencies and amplitude, so a mix-up across the batch shows."""
    x = torch.empty(n, 3, size, size, dtype=torch.float64)
    for b in range(n):
        for c in range(3):
            for h in range(size):
                for w in range(size):
                    x[b, c, h, w] = (1 + 0.5 * b) * math.sin((0.3 + 0.11 * b) * h + (0.7 - 0.13 * b) * w + 1.1 * c + 2.3 * b)
    return x


def names_and_shapes(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]


class PreActBlock(nn.Module):
    """a = ReLU(BN(x)); out = F(a) + (x, or a strided 1×1 convolution of a when the shape
    changes). F: conv3×3/s, BN, ReLU, conv3×3 (basic), or conv1×1, BN, ReLU, conv3×3/s, BN,
    ReLU, conv1×1 to 4× the width (bottleneck). Registration order = state-dict order."""

    def __init__(self, cin, width, stride, bottleneck):
        super().__init__()
        out = width * 4 if bottleneck else width
        self.bn1 = nn.BatchNorm2d(cin)
        self.downsample = nn.Conv2d(cin, out, 1, stride, bias=False) if stride != 1 or cin != out else None
        if bottleneck:
            self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        else:
            self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
            self.bn3 = None
            self.conv3 = None

    def forward(self, x):
        a = torch.relu(self.bn1(x))
        shortcut = self.downsample(a) if self.downsample is not None else x
        y = self.conv2(torch.relu(self.bn2(self.conv1(a))))
        if self.conv3 is not None:
            y = self.conv3(torch.relu(self.bn3(y)))
        return y + shortcut


class PreActResNet(nn.Module):
    """A BatchNorm without scale and shift on the input (Gluon's bn_data: its statistics come
    from the weights file); stem conv 7×7/2, BN + ReLU, max pool 3/2; four stages (64, 128,
    256, 512 wide, the first block of stages 2–4 strided); a final BN + ReLU, global average
    pool, linear."""

    def __init__(self, depth, num_classes):
        super().__init__()
        counts, bottleneck = {18: ([2, 2, 2, 2], False), 50: ([3, 4, 6, 3], True)}[depth]
        self.bn_data = nn.BatchNorm2d(3, affine=False)
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        cin = 64
        for s, (width, count) in enumerate(zip([64, 128, 256, 512], counts)):
            blocks = []
            for i in range(count):
                blocks.append(PreActBlock(cin, width, (1 if s == 0 else 2) if i == 0 else 1, bottleneck))
                cin = width * 4 if bottleneck else width
            setattr(self, f"layer{s + 1}", nn.Sequential(*blocks))
        self.bn_final = nn.BatchNorm2d(cin)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        h = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(self.bn_data(x)))), 3, 2, 1)
        h = self.layer4(self.layer3(self.layer2(self.layer1(h))))
        h = torch.relu(self.bn_final(h))
        return self.fc(h.mean(dim=(2, 3)))
