#!/usr/bin/env python3
"""Exact McNemar test between two models evaluated on the same images, from the
predictions.csv files `monkpipe evaluate --output` wrote (matched by class folder and file name).
    python3 pipelines/study/mcnemar.py A/predictions.csv B/predictions.csv
Prints the images only A got right (b), only B got right (c), and the two-sided exact p-value
of b against Binomial(b + c, 1/2)."""
import csv, sys
from math import comb

def correct(path):
    return {"/".join(r["file"].split("/")[-2:]): r["correct"] == "true" for r in csv.DictReader(open(path))}

a, b_ = correct(sys.argv[1]), correct(sys.argv[2])
if a.keys() != b_.keys():
    sys.exit("the two files do not hold the same images")
b = sum(1 for k in a if a[k] and not b_[k])
c = sum(1 for k in a if b_[k] and not a[k])
n = b + c
# Two-sided exact p: twice the smaller tail, at most 1.
tail = sum(comb(n, i) for i in range(0, min(b, c) + 1)) / 2 ** n if n else 1.0
print(f"only A right {b}, only B right {c}, exact McNemar p = {min(1.0, 2 * tail):.4g}")
