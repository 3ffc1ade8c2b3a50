#!/usr/bin/env python3
"""AUC and specificity/sensitivity at 0.5 per kind of change, from a predictions.csv that
`monkpipe evaluate --output` wrote for the shifted validation folder.
    python3 pipelines/study/shift_breakdown.py OUT_FOLDER-shifts.tsv predictions.csv"""
import csv, sys
from collections import defaultdict

def auc(pos, neg):
    # Mann-Whitney: P(score of a positive > score of a negative), ties count half.
    s = sorted([(p, 1) for p in pos] + [(n, 0) for n in neg])
    rank_sum, i = 0.0, 0
    while i < len(s):
        j = i
        while j < len(s) and s[j][0] == s[i][0]:
            j += 1
        r = (i + j + 1) / 2
        rank_sum += r * sum(1 for k in range(i, j) if s[k][1] == 1)
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

kinds = {l.split("\t")[0]: l.split("\t")[1].split()[0] for l in open(sys.argv[1]).read().splitlines()}
groups = defaultdict(lambda: ([], []))
for row in csv.DictReader(open(sys.argv[2])):
    key = "/".join(row["file"].split("/")[-2:])
    p = float(row["probability_PNEUMONIA"])
    for g in (kinds[key], "all"):
        groups[g][0 if row["true_class"] == "PNEUMONIA" else 1].append(p)
for g, (pos, neg) in sorted(groups.items()):
    sens = sum(p >= 0.5 for p in pos) / len(pos)
    spec = sum(n < 0.5 for n in neg) / len(neg)
    print(f"{g:11s} n={len(pos) + len(neg):5d}  AUC {auc(pos, neg):.4f}  sens {sens:.3f}  spec {spec:.3f}")
