# Writes the reference state-dict layouts in this folder: one line per entry, name<TAB>[shape],
# after a first line saying what produced it. torchvision's networks are built with random
# weights (no download); the EfficientNet-Lite0 layout is read from the pretrained file,
# whose path is the argument (`make weights` puts it in .weights/).
# Run in this folder: python3 make_layouts.py ../../../../.weights/efficientnet-lite0-57934424.pth
# (torch 2.15, torchvision 0.29)
import sys
import torch, torchvision


def write(path, header, sd):
    with open(path, "w") as f:
        f.write(header + "\n")
        for k, v in sd.items():
            f.write("%s\t%s\n" % (k, list(v.shape)))


for name in ["resnet18", "resnet34", "resnet50", "resnet101", "densenet121", "densenet169", "mobilenet_v2"]:
    m = getattr(torchvision.models, name)()
    n = sum(p.numel() for p in m.parameters())
    write(name + ".txt", "# torchvision %s models.%s() state_dict: name, shape; parameters (excluding buffers) = %d"
          % (torchvision.__version__, name, n), m.state_dict())

if len(sys.argv) > 1:
    sd = torch.load(sys.argv[1], map_location="cpu")
    n = sum(v.numel() for k, v in sd.items()
            if not (k.endswith("running_mean") or k.endswith("running_var") or k.endswith("num_batches_tracked")))
    write("efficientnet_lite0.txt", "# efficientnet-lite0-57934424.pth state_dict (torch.load(path, map_location=\"cpu\"), torch %s): "
          "name, shape; parameters (excluding buffers) = %d" % (torch.__version__, n), sd)
