#!/usr/bin/env python3
"""Winograd F(m×m, 3×3): derive the transforms from interpolation points, and measure their
float32 error against a float64 direct convolution (forward, input and weight gradients).

The matrices in Sources/CKernels/winograd*.c and the error bounds in
Tests/MonkEngineTests/ConvWinograd4Tests.swift come from this script:

    python3 benchmarks/winograd_error.py                  # matrices + error table
    python3 benchmarks/winograd_error.py --trials 20 --channels 64 256

Derivation (Toom-Cook, the "modified" form with the point at infinity): for a 1-D correlation
y[i] = sum_k g[k] d[i + k] (i < m, k < r), pick alpha = m + r - 1 points p_0..p_{alpha-2} and
infinity. With V the alpha×alpha Vandermonde matrix of the points (the infinity row picks the
leading coefficient), y = A^T [(G g) * (B^T d)] where
    G   = rows [1, p, p^2]           (infinity: [0, 0, 1])        evaluates the filter,
    A   = rows [1, p, ..., p^(m-1)]  (infinity: [0, ..., 0, 1])   evaluates the output,
    B^T = V^(-T)                                                  the transposed interpolation,
and a diagonal scale is moved from B^T into G so that B^T's rows are integers without a common factor. In 2-D,
Y = A^T [(G g G^T) * (B^T d B)] A.
"""
import argparse
from fractions import Fraction
from math import gcd

import numpy as np


def vandermonde(points, cols):
    """Rows [1, p, ..., p^(cols-1)] for each finite point, then [0, ..., 0, 1] for infinity."""
    rows = [[Fraction(p) ** j for j in range(cols)] for p in points]
    rows.append([Fraction(0)] * (cols - 1) + [Fraction(1)])
    return rows


def inverse(matrix):
    """Exact Gauss-Jordan inverse over the rationals."""
    n = len(matrix)
    a = [list(row) + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        lead = a[col][col]
        a[col] = [v / lead for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return [row[n:] for row in a]


def lcm(a, b):
    return a * b // gcd(a, b)


def transforms(m, r, points):
    """(BT, G, AT) as Fraction matrices for F(m, r) on `points` (+ infinity)."""
    alpha = m + r - 1
    assert len(points) == alpha - 1
    v = vandermonde(points, alpha)
    vinv = inverse(v)
    bt = [[vinv[j][i] for j in range(alpha)] for i in range(alpha)]  # V^(-T)
    g = vandermonde(points, r)
    a = vandermonde(points, m)
    at = [[a[j][i] for j in range(alpha)] for i in range(m)]
    # Scale each row of B^T to integers (divide G's row by the same factor).
    for i in range(alpha):
        scale = 1
        for x in bt[i]:
            scale = lcm(scale, x.denominator)
        row = [x * scale for x in bt[i]]
        common = 0
        for x in row:
            common = gcd(common, abs(int(x)))
        bt[i] = [x / common for x in row]
        g[i] = [x * common / scale for x in g[i]]
    return bt, g, at


def as_float(matrix, dtype):
    return np.array([[float(x) for x in row] for row in matrix], dtype=dtype)


def check_exact(m, r, bt, g, at):
    """The transforms compute the correlation exactly (rationals, random integers)."""
    rng = np.random.default_rng(0)
    d = [Fraction(int(x)) for x in rng.integers(-9, 10, m + r - 1)]
    w = [Fraction(int(x)) for x in rng.integers(-9, 10, r)]
    gw = [sum(gi * wi for gi, wi in zip(row, w)) for row in g]
    bd = [sum(bi * di for bi, di in zip(row, d)) for row in bt]
    y = [sum(a * x * z for a, x, z in zip(row, gw, bd)) for row in at]
    want = [sum(w[k] * d[i + k] for k in range(r)) for i in range(m)]
    assert y == want, (y, want)


def tile_errors(m, bt, g, at, channels, outs, tiles, rng):
    """Max |error| / max |reference| of one random layer's tiles, for y, dx and dW."""
    alpha = m + 2
    d64 = rng.uniform(-1, 1, (tiles, channels, alpha, alpha))
    w64 = rng.uniform(-1, 1, (outs, channels, 3, 3)) / np.sqrt(9 * channels)
    dy64 = rng.uniform(-1, 1, (tiles, outs, m, m))
    d, w, dy = d64.astype(np.float32), w64.astype(np.float32), dy64.astype(np.float32)
    BT, G, AT = (as_float(x, np.float32) for x in (bt, g, at))
    U = np.einsum('ik,ockl,jl->ocij', G, w, G).astype(np.float32)          # [o][c][alpha][alpha]
    V = np.einsum('ik,tckl,jl->tcij', BT, d, BT).astype(np.float32)
    Up = U.reshape(outs, channels, -1).transpose(2, 0, 1)                  # [p][o][c]
    Vp = V.reshape(tiles, channels, -1).transpose(2, 0, 1)                 # [p][t][c]
    M = np.matmul(Vp, Up.transpose(0, 2, 1))                               # [p][t][o], float32 GEMMs
    M = M.transpose(1, 2, 0).reshape(tiles, outs, alpha, alpha)
    y = np.einsum('ik,tokl,jl->toij', AT, M, AT)
    # dM = A dy A^T; dV[p] = dM[p] U[p]; dx = B dV B^T; dU[p] = dM[p]^T V[p]; dW = G^T dU G.
    dM = np.einsum('ki,tokl,lj->toij', AT, dy, AT).astype(np.float32)
    dMp = dM.reshape(tiles, outs, -1).transpose(2, 0, 1)                   # [p][t][o]
    dV = np.matmul(dMp, Up).transpose(1, 2, 0).reshape(tiles, channels, alpha, alpha)
    dx = np.einsum('ki,tckl,lj->tcij', BT, dV, BT)
    dU = np.matmul(dMp.transpose(0, 2, 1), Vp).transpose(1, 2, 0).reshape(outs, channels, alpha, alpha)
    dW = np.einsum('ki,ockl,lj->ocij', G, dU, G)
    # float64 direct references.
    y_ref = np.zeros((tiles, outs, m, m))
    dx_ref = np.zeros((tiles, channels, alpha, alpha))
    dW_ref = np.zeros((outs, channels, 3, 3))
    for ky in range(3):
        for kx in range(3):
            patch = d64[:, :, ky:ky + m, kx:kx + m]                          # [t][c][m][m]
            y_ref += np.einsum('tcij,oc->toij', patch, w64[:, :, ky, kx])
            dx_ref[:, :, ky:ky + m, kx:kx + m] += np.einsum('toij,oc->tcij', dy64, w64[:, :, ky, kx])
            dW_ref[:, :, ky, kx] = np.einsum('toij,tcij->oc', dy64, patch)
    rel = lambda got, want: float(np.abs(got - want).max() / np.abs(want).max())
    return rel(y, y_ref), rel(dx, dx_ref), rel(dW, dW_ref)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--channels", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--tiles", type=int, default=196, help="tiles per trial (sums of the weight gradient)")
    args = ap.parse_args()
    candidates = [
        ("F(2x2,3x3)", 2, [0, 1, -1]),
        ("F(4x4,3x3)", 4, [0, 1, -1, 2, -2]),
        ("F(4x4,3x3)", 4, [0, 1, -1, Fraction(1, 2), Fraction(-1, 2)]),
        ("F(4x4,3x3)", 4, [0, 1, -1, Fraction(1, 2), -2]),
    ]
    for name, m, points in candidates:
        bt, g, at = transforms(m, 3, points)
        check_exact(m, 3, bt, g, at)
        label = ", ".join(str(p) for p in points) + ", inf"
        print(f"{name}, points {label}")
        for title, mat in (("B^T", bt), ("G", g), ("A^T", at)):
            print(f"  {title} =")
            for row in mat:
                print("    [" + ", ".join(f"{str(x):>6}" for x in row) + "]")
        for c in args.channels:
            rng = np.random.default_rng(1234 + c)
            errs = np.array([tile_errors(m, bt, g, at, c, c, args.tiles, rng) for _ in range(args.trials)])
            worst, mean = errs.max(axis=0), errs.mean(axis=0)
            print(f"  {c:>4} channels, {args.trials} trials: max (mean) |err|/max|ref|:"
                  f"  y {worst[0]:.2e} ({mean[0]:.2e})  dx {worst[1]:.2e} ({mean[1]:.2e})"
                  f"  dW {worst[2]:.2e} ({mean[2]:.2e})")


if __name__ == "__main__":
    main()
