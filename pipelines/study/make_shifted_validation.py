#!/usr/bin/env python3
"""Writes a "shifted" copy of a study's validation split: every validation image once more,
with one random change of acquisition (gamma, contrast, brightness, blur, JPEG quality), so
that recipes can be compared on how they hold up when exposure and scanner change, without
looking at the test set. Seeded; the same files come out every time.

    python3 pipelines/study/make_shifted_validation.py \
        pipelines/study/workspace/.cache/load/<load key>/split-manifest.json \
        ../shared/data/chest_xray/train  OUT_FOLDER

OUT_FOLDER gets NORMAL/ and PNEUMONIA/ (the plain validation images, as symbolic links, go
to OUT_FOLDER-plain/, the list of changes to OUT_FOLDER-shifts.tsv). Needs Pillow.
"""
import json, os, random, sys
from PIL import Image, ImageEnhance, ImageFilter

def shift(im, rng):
    kind = rng.choice(["gamma", "contrast", "brightness", "blur", "jpeg"])
    if kind == "gamma":
        g = rng.uniform(0.6, 1.6)
        lut = [min(255, round(255 * (i / 255) ** g)) for i in range(256)]
        return im.point(lut * len(im.getbands())), f"gamma {g:.2f}"
    if kind == "contrast":
        c = rng.choice([rng.uniform(0.6, 0.85), rng.uniform(1.15, 1.5)])
        return ImageEnhance.Contrast(im).enhance(c), f"contrast {c:.2f}"
    if kind == "brightness":
        b = rng.choice([rng.uniform(0.7, 0.9), rng.uniform(1.1, 1.3)])
        return ImageEnhance.Brightness(im).enhance(b), f"brightness {b:.2f}"
    if kind == "blur":
        r = rng.uniform(0.6, 1.5)
        return im.filter(ImageFilter.GaussianBlur(r)), f"blur {r:.2f}"
    return im, f"jpeg {rng.randint(25, 60)}"

def main(manifest_path, train_root, out):
    manifest = json.load(open(manifest_path))
    rng = random.Random(20261206)
    log = []
    for e in manifest["entries"]:
        if e["split"] not in ("val", "validation"):
            continue
        src = os.path.join(train_root, e["path"])
        name = os.path.basename(e["path"])
        plain = os.path.join(out + "-plain", e["className"])
        os.makedirs(plain, exist_ok=True)
        if not os.path.lexists(os.path.join(plain, name)):
            os.symlink(os.path.abspath(src), os.path.join(plain, name))
        im = Image.open(src).convert("RGB")
        shifted, what = shift(im, rng)
        folder = os.path.join(out, e["className"])
        os.makedirs(folder, exist_ok=True)
        quality = int(what.split()[1]) if what.startswith("jpeg") else 95
        shifted.save(os.path.join(folder, name), quality=quality)
        log.append(f"{e['className']}/{name}\t{what}")
    with open(out + "-shifts.tsv", "w") as f:
        f.write("\n".join(log) + "\n")
    print(f"{len(log)} validation images written to {out} (plain links in {out}-plain)")

if __name__ == "__main__":
    main(*sys.argv[1:4])
