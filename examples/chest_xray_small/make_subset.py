# Builds examples/chest_xray_small from the shared chest X-ray TRAIN split only (the test split
# stays reserved for final evaluation): patient-disjoint train/test subsets, 64x64 grayscale
# JPEGs at quality 90. Run from the repository root:
#   python3 examples/chest_xray_small/make_subset.py /work/shared/data/chest_xray/train
import os, random, re, sys
from PIL import Image

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/chest_xray/train"
OUT = os.path.dirname(os.path.abspath(__file__))
COUNTS = {"train": 120, "test": 40}          # images per class in each subset
PATIENT = re.compile(r"^(person\d+|(?:NORMAL2-)?IM-\d+)")
rng = random.Random(2018)

def patient(name):
    m = PATIENT.match(name)
    return m.group(1) if m else name

for cls in ["NORMAL", "PNEUMONIA"]:
    files = sorted(f for f in os.listdir(os.path.join(SOURCE, cls)) if f.lower().endswith((".jpeg", ".jpg")))
    by_patient = {}
    for f in files:
        by_patient.setdefault(patient(f), []).append(f)
    patients = sorted(by_patient)
    rng.shuffle(patients)
    # Whole patients go to one subset: test is filled first, then train, never sharing anyone.
    chosen = {"test": [], "train": []}
    for p in patients:
        for subset in ["test", "train"]:
            if len(chosen[subset]) + len(by_patient[p]) <= COUNTS[subset]:
                chosen[subset] += by_patient[p]
                break
        if all(len(chosen[s]) == COUNTS[s] for s in chosen):
            break
    for subset, names in chosen.items():
        folder = os.path.join(OUT, subset, cls)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        for f in names:
            im = Image.open(os.path.join(SOURCE, cls, f)).convert("L").resize((64, 64), Image.BILINEAR)
            im.save(os.path.join(folder, os.path.splitext(f)[0] + ".jpeg"), quality=90)
        print(subset, cls, len(names))
