# Makes the five ImageNet sample images shipped here from google-coral/test_data's originals
# (Apache-2.0, see LICENSE): each scaled with Lanczos so that its longer side is 256 pixels
# (aspect ratio kept), PNGs saved as 8-bit RGB PNG, JPEGs as JPEG quality 90. Small enough to
# ship with the tests, still larger than the 224×224 the classifier resizes them to.
# Run in this folder: python3 make_samples.py <folder with the originals>
import os, sys
from PIL import Image

source = sys.argv[1]
for name in ["grace_hopper.png", "cat.png", "parrot.jpg", "hot_dog.jpg", "bird.png"]:
    im = Image.open(os.path.join(source, name)).convert("RGB")
    scale = 256 / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
    if name.endswith(".png"):
        im.save(name, "PNG", optimize=True)
    else:
        im.save(name, "JPEG", quality=90)
    print(name, im.size, os.path.getsize(name), "bytes")
