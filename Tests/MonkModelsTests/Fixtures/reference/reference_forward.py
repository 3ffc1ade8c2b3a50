# Reference logits for NetworkForwardTests.swift: each network with a 10-class head, every
# state-dict entry filled by reference_common.fill (the Swift test fills its own the same
# way), run in eval mode on reference_common.image(2, 32), whose two items differ clearly.
# torchvision's resnet18/resnet50/densenet121/mobilenet_v2, and the pre-activation ResNets
# (resnet18_v2, resnet50_v2) from reference_common.PreActResNet.
# Logits are computed in float64 (the reference) and float32 (to show how much float32
# rounding alone moves them); the state-dict names and shapes are recorded so the test can
# check that it fills the same tensors in the same order.
# (Training mode is compared in training_step.py, on a batch of four.)
# Run: python3 reference_forward.py > forward.json   (torch 2.15, torchvision 0.29)
import json, sys
import torch, torchvision
from reference_common import fill, image, names_and_shapes, PreActResNet

nets = {
    "resnet18": lambda: torchvision.models.resnet18(num_classes=10),
    "resnet50": lambda: torchvision.models.resnet50(num_classes=10),
    "densenet121": lambda: torchvision.models.densenet121(num_classes=10),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(num_classes=10),
    "resnet18_v2": lambda: PreActResNet(18, 10),
    "resnet50_v2": lambda: PreActResNet(50, 10),
}
x = image(2, 32)
out = {"produced_by": "python3 reference_forward.py (torch %s, torchvision %s)" % (torch.__version__, torchvision.__version__),
       "input": "reference_common.image(2, 32)", "networks": {}}
for name, make in nets.items():
    m = make()
    fill(m)
    m.eval()
    with torch.no_grad():
        y64 = m.double()(x)
        y32 = m.float()(x.float()).double()
    gap = ((y32 - y64).abs() / y64.abs().clamp(min=1)).max().item()
    out["networks"][name] = {
        "logits": [round(v, 6) for v in y64.flatten().tolist()],
        "float32_relative_gap": gap,
        "item_difference": (y64[0] - y64[1]).abs().max().item(),
    }
    if name.endswith("_v2"):
        out["networks"][name]["state_dict"] = names_and_shapes(m)
    print(name, "float32 gap %.2e, items differ by up to %.3f" % (gap, out["networks"][name]["item_difference"]), file=sys.stderr)
json.dump(out, sys.stdout, indent=1)
print()
