# PyTorch reference for EfficientNetClassifyTests.torchLogits (test reference only, never part of
# the product). Usage: python3 efficientnet_reference.py efficientnet-lite0-57934424.pth IMAGE...
# Prints per image the top-3 indices and all 1000 logits (4 decimals), one JSON line each.
import math, sys, json, torch, torch.nn.functional as F
from PIL import Image
import numpy as np
sd = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
def same(x, w, stride, groups=1):
    k = w.shape[-1]; h, wd = x.shape[-2:]
    ph = max((math.ceil(h / stride) - 1) * stride + k - h, 0); pw = max((math.ceil(wd / stride) - 1) * stride + k - wd, 0)
    x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
    return F.conv2d(x, w, None, stride, 0, 1, groups)
def bn(x, p): return F.batch_norm(x, sd[p+".running_mean"], sd[p+".running_var"], sd[p+".weight"], sd[p+".bias"], False, 0.0, 1e-3)
stages = [(3,1,1,32,16,1),(3,2,6,16,24,2),(5,2,6,24,40,2),(3,2,6,40,80,3),(5,1,6,80,112,3),(5,2,6,112,192,4),(3,1,6,192,320,1)]
def forward(x):
    x = F.relu6(bn(same(x, sd["_conv_stem.weight"], 2), "_bn0"))
    n = 0
    for k, s, e, cin, cout, r in stages:
        for i in range(r):
            stride = s if i == 0 else 1; inp = cin if i == 0 else cout
            b = f"_blocks.{n}."; y = x
            if e != 1: y = F.relu6(bn(F.conv2d(y, sd[b+"_expand_conv.weight"]), b+"_bn0"))
            y = F.relu6(bn(same(y, sd[b+"_depthwise_conv.weight"], stride, groups=y.shape[1]), b+"_bn1"))
            y = bn(F.conv2d(y, sd[b+"_project_conv.weight"]), b+"_bn2")
            if stride == 1 and inp == cout: y = y + x
            x = y; n += 1
    x = F.relu6(bn(F.conv2d(x, sd["_conv_head.weight"]), "_bn1"))
    return F.linear(x.mean((2, 3)), sd["_fc.weight"], sd["_fc.bias"])
for path in sys.argv[2:]:
    im = Image.open(path).convert("RGB").resize((224, 224), Image.BILINEAR)
    a = (np.asarray(im, dtype=np.float32) - 127.0) / 128.0
    with torch.no_grad(): logits = forward(torch.from_numpy(a).permute(2, 0, 1)[None])[0]
    top = torch.topk(logits, 3)
    print(json.dumps({"image": path.split("/")[-1], "top": top.indices.tolist(), "logits": [round(v, 4) for v in logits.tolist()]}))
