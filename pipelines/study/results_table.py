#!/usr/bin/env python3
"""One markdown table row per evaluated experiment, from the files monkpipe wrote: the
experiment's experiment-state.json (best epoch, training seconds, peak memory) and the
metrics.json of `monkpipe evaluate --output` or of the test stage.
    python3 pipelines/study/results_table.py NAME EXPERIMENT_DIR METRICS_JSON [NAME …]"""
import json, sys

def pct(m):
    return f"{100 * m['value']:.1f}% ({100 * m['lower']:.1f}–{100 * m['upper']:.1f})"

def find(d, key):
    # metrics.json nests sensitivity/specificity under "binary"; accept either place.
    if key in d: return d[key]
    return d.get("binary", {}).get(key)

print("| experiment | test accuracy | sensitivity | specificity | AUC | best epoch | training time | peak memory |")
print("|---|---|---|---|---|---|---|---|")
args = sys.argv[1:]
for i in range(0, len(args), 3):
    name, exp, metrics = args[i:i + 3]
    state = json.load(open(f"{exp}/experiment-state.json"))["training"]
    m = json.load(open(metrics))
    auc = find(m, "auc")
    minutes = state["trainingSeconds"] / 60
    print(f"| {name} | {pct(m['accuracy'])} | {pct(find(m, 'sensitivity'))} | {pct(find(m, 'specificity'))} | "
          f"{auc['value']:.3f} ({auc['lower']:.3f}–{auc['upper']:.3f}) | {state['bestEpoch']} of {state['epochsRun']} | "
          f"{minutes:.0f} min | {state['peakMemoryMB'] / 1024:.2f} GB |")
