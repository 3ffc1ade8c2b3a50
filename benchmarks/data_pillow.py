# Pillow's side of the data-path benchmark: images/s for decode + antialiased bilinear resize to
# 224x224 of the files in a folder, one process, one thread (Pillow's decoders are serial).
#   python3 benchmarks/data_pillow.py /tmp/monk-originals
# "plain" decodes at full size; "draft" lets libjpeg downscale in the DCT domain first, the
# same trick MonkData's scaled decoding uses. Rates are per second of this thread's CPU time
# (time.thread_time), as in MonkData's DataBenchmark, so other load on the machine does not
# skew the comparison; the wall-clock rate is printed too.
import os, sys, time
from PIL import Image

FOLDER = sys.argv[1] if len(sys.argv) > 1 else "/tmp/monk-originals"
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
files = sorted(os.path.join(FOLDER, f) for f in os.listdir(FOLDER) if f.endswith(".jpeg"))
blobs = [open(f, "rb").read() for f in files]  # read once: time decoding, not the disk

def run(draft):
    import io
    best_cpu = best_wall = 0.0
    for _ in range(REPEATS):
        c, w = time.thread_time(), time.perf_counter()
        for b in blobs:
            im = Image.open(io.BytesIO(b))
            if draft:
                im.draft("L", (224, 224))
            im.resize((224, 224), Image.BILINEAR)
        best_cpu = max(best_cpu, len(blobs) / (time.thread_time() - c))
        best_wall = max(best_wall, len(blobs) / (time.perf_counter() - w))
    return best_cpu, best_wall

for mode in ["plain", "draft"]:
    cpu, wall = run(mode == "draft")
    print(f"pillow {mode}: {cpu:.1f} img/s per CPU second, {wall:.1f} per wall second ({len(blobs)} images, best of {REPEATS})")
