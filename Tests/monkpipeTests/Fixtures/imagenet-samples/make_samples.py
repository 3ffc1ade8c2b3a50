# Makes the five ImageNet sample images shipped here from google-coral/test_data's originals
# (Apache-2.0, see LICENSE): each resized to exactly 224×224 with Pillow's bilinear filter (the
# resize the reference applies), PNGs saved as 8-bit RGB PNG, JPEGs as JPEG quality 90.
# At the classifier's own input size no resampling happens in monkpipe or in the reference,
# so the test compares decoding and the network alone. (At other sizes Pillow 13 sometimes runs
# its vertical pass first, and monkpipe's resize, which always runs the horizontal pass first,
# then differs from it by one level on up to a fifth of the pixels.)
# Run in this folder: python3 make_samples.py <folder with the originals>
import os, sys
from PIL import Image

source = sys.argv[1]
for name in ["grace_hopper.png", "cat.png", "parrot.jpg", "hot_dog.jpg", "bird.png"]:
    im = Image.open(os.path.join(source, name)).convert("RGB").resize((224, 224), Image.BILINEAR)
    if name.endswith(".png"):
        im.save(name, "PNG", optimize=True)
    else:
        im.save(name, "JPEG", quality=90)
    print(name, im.size, os.path.getsize(name), "bytes")
