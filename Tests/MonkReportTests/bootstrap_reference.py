# Independent reference for BootstrapIntervalTests: SplitMix64 + high-half index draws, the
# AUC by counting pairs (Mann–Whitney, ties ½), NumPy's linear percentile.
# Run: python3 Tests/MonkReportTests/bootstrap_reference.py
import numpy as np

MASK = (1 << 64) - 1

def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)

def auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))

# 40 images, even indices positive, integer-derived scores with many ties (same formula in the test).
labels = [i % 2 == 0 for i in range(40)]
scores = [(((i * 7919) % 97) // 4 + (10 if labels[i] else 0)) / 40 for i in range(40)]
print("auc", repr(auc(scores, labels)))
rng = splitmix(42)
values = []
for _ in range(300):
    idx = [(next(rng) * len(scores)) >> 64 for _ in scores]
    a = auc([scores[i] for i in idx], [labels[i] for i in idx])
    if a is not None:
        values.append(a)
print(len(values), repr(np.percentile(values, 2.5)), repr(np.percentile(values, 97.5)))
