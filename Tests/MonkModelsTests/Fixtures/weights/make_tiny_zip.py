# Writes tiny-zip-format.pth, a state dict saved by torch.save in its zip format, and
# tiny-zip-format.json, the same tensors listed as numbers (what WeightTorchFileTests reads
# the .pth against). The tensors cover what a reader must handle: float32 parameters and
# BatchNorm buffers named like TinyNet's (conv 3→2 3×3, bn, fc 2→4), an int64 scalar
# (num_batches_tracked), a transposed view (strides (1, 2)), float64 and float16 storages.
# Run in this folder: python3 make_tiny_zip.py   (torch 2.15; torch.save writes a random
# serialization id, so the bytes change from run to run, the tensors do not)
import json
from collections import OrderedDict
import torch

sd = OrderedDict()
sd["conv.weight"] = (torch.arange(54, dtype=torch.float64) * 0.1).float().reshape(2, 3, 3, 3)
sd["conv.bias"] = torch.tensor([0.5, -0.25])
sd["bn.weight"] = torch.ones(2)
sd["bn.bias"] = torch.zeros(2)
sd["bn.running_mean"] = torch.tensor([0.1, 0.2])
sd["bn.running_var"] = torch.tensor([1.5, 2.5])
sd["bn.num_batches_tracked"] = torch.tensor(7)
sd["fc.weight"] = torch.linspace(-1, 1, 8).reshape(4, 2)
sd["fc.weight_t"] = torch.linspace(-1, 1, 8).reshape(4, 2).t()
sd["fc.bias"] = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
sd["half"] = torch.tensor([1.5, -2.0], dtype=torch.float16)
torch.save(sd, "tiny-zip-format.pth")

listing = {
    "produced_by": "make_tiny_zip.py: torch.save(state_dict, 'tiny-zip-format.pth') with torch %s (zip format); "
                   "values listed row-major in logical order" % torch.__version__,
    "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                    "values": v.flatten().tolist() if v.dim() else [v.item()]} for k, v in sd.items()},
}
with open("tiny-zip-format.json", "w") as f:
    json.dump(listing, f, indent=1)
    f.write("\n")
