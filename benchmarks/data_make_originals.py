# Makes stand-ins for full-size chest X-rays for the data-path benchmark: the shared copies are
# only 224x224, so shared images are upscaled to 1040x816 grayscale JPEGs (quality 90, every
# third one progressive) with mild film-grain noise so that they compress like real radiographs
# (~100 KiB each, docs/FACTS.md measured ~110 KiB originals). Output goes to a temporary folder:
#   python3 benchmarks/data_make_originals.py /tmp/monk-originals 200 [source folder]
# The source folder defaults to the shared data beside the repository.
import os, random, sys
import numpy as np
from PIL import Image

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/monk-originals"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 200
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "..", "shared", "data", "chest_xray", "train", "PNEUMONIA")

os.makedirs(OUT, exist_ok=True)
names = sorted(os.listdir(SOURCE))
random.Random(0).shuffle(names)
noise_rng = np.random.default_rng(0)
total = 0
for i, name in enumerate(names[:COUNT]):
    im = Image.open(os.path.join(SOURCE, name)).convert("L").resize((1040, 816), Image.BICUBIC)
    a = np.asarray(im, dtype=np.float32) + noise_rng.normal(0, 2.0, (816, 1040))
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    path = os.path.join(OUT, f"orig_{i:04d}.jpeg")
    im.save(path, quality=90, progressive=(i % 3 == 0))
    total += os.path.getsize(path)
print(f"{COUNT} images in {OUT}, mean {total / COUNT / 1024:.0f} KiB")
