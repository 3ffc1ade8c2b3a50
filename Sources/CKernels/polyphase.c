// Memory passes of the polyphase ("stride-2 Winograd") convolution F(2x2, 3x3, stride 2); see
// CKernels.h and ConvPolyphase.swift. As in winograd.c, every loop runs over the channels of one
// tile's pixels, so the compiler vectorises it across channels.
//
// Along one axis, 2 outputs of a 3-tap stride-2 filter (w0, w1, w2) read a window d[0 .. 4].
// Its even samples e[i] = d[2i] meet the taps (w0, w2) as a 2-tap stride-1 correlation,
// computed with Winograd's F(2, 2) in 3 products; its odd samples d[1], d[3] meet w1 alone,
// one product each. So the window has 5 transformed positions:
//   0, 1, 2   (BT e)[i] = e0 - e1, e1, e2 - e1;  filter (G (w0, w2))[i] = w0, w0 + w2, w2
//   3, 4      d[1], d[3];                         filter w1
// and y0 = m0 + m1 + m3, y1 = m1 + m2 + m4. The 2-D algorithm is the product of two such axes:
// 25 positions ("slots") per 2x2 outputs against 36 products for the direct convolution. Slots
// whose filters coincide (both odd positions of an axis have w1) share one of the 16 transformed
// filter planes; their slots are stored next to each other so that one GEMM serves all of them.
//
// The same construction with F(4, 2) (81 slots per 4x4 outputs) was measured and dropped: its
// 9x9 windows made the transforms 3x slower per float and its products slower on every ResNet
// shape tried (ConvPolyphase.swift has the numbers).
#include "CKernels.h"

#if defined(__x86_64__) && defined(__linux__)
#define MONK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MONK_CLONES
#endif

#define INLINE static inline __attribute__((always_inline))
#define UNROLL _Pragma("clang loop unroll(full)")
// Outputs per tile side, window side, slots per tile, filter planes per side.
#define M 2
#define N 5
#define SLOTS 25
#define Q 4

// F(2, 2) on points 0, 1, infinity.
static const float BT2[3][3] = {{1, -1, 0}, {0, 1, 0}, {0, -1, 1}};
static const float G2[3][2] = {{1, 0}, {1, 1}, {0, 1}};
static const float AT2[2][3] = {{1, 1, 0}, {0, 1, 1}};

/// BT' (a, i): transformed position a of the window's sample i.
INLINE float poly_bt(int a, int i) {
    if (a <= M) return (i % 2 == 0) ? BT2[a][i / 2] : 0.0f;
    return i == 2 * (a - M - 1) + 1 ? 1.0f : 0.0f;
}

/// AT' (j, a): output j's weight on transformed position a.
INLINE float poly_at(int j, int a) {
    if (a <= M) return AT2[j][a];
    return a - M - 1 == j ? 1.0f : 0.0f;
}

/// G'' (q, k): filter position q along one axis (0 .. 2: the even ones, 3: both odd ones) from tap k.
INLINE float poly_g(int q, int k) {
    if (q <= M) return k == 0 ? G2[q][0] : k == 2 ? G2[q][1] : 0.0f;
    return k == 1 ? 1.0f : 0.0f;
}

/// The storage slot of position (a, b): the 9 even-even ones, then per even a its 2 even-odd
/// ones, then per even b its 2 odd-even ones, then the 4 odd-odd ones, so every group of
/// positions sharing a filter plane is one consecutive run (ConvPolyphase.groups).
INLINE int poly_slot(int a, int b) {
    const int e = M + 1;
    if (a <= M && b <= M) return a * e + b;
    if (a <= M) return e * e + a * M + (b - e);
    if (b <= M) return e * e + e * M + b * M + (a - e);
    return e * e + 2 * e * M + (a - e) * M + (b - e);
}

/// The GEMM group of a slot (ConvPolyphase.groups): each even-even slot alone (0 .. 8), the
/// even-odd pairs (9 .. 11), the odd-even pairs (12 .. 14), the odd-odd four (15).
INLINE int poly_group(int slot) {
    return slot < 9 ? slot : slot < 15 ? 9 + (slot - 9) / 2 : slot < 21 ? 12 + (slot - 15) / 2 : 15;
}

/// Where slot (a, b) starts in a buffer of slots `plane` floats apart: the slots of one group are
/// contiguous (one GEMM reads them as one matrix), and each group after the first is 16 floats
/// further on, so that when `plane` is a multiple of 4 KiB (32 tiles of 128 channels) the 25
/// streams a transform reads or writes do not all fall in the same L1 cache sets.
INLINE long poly_offset(int a, int b, long plane) {
    int slot = poly_slot(a, b);
    return slot * plane + poly_group(slot) * 16;
}

/// Adds f·x into acc, or nothing when f is 0 (a constant once unrolled, so no multiply by 0
/// or 1 survives; acc starts at -0, the identity of +).
#define MAC(acc, f, x) do { const float f_ = (f); if (f_ == 1.0f) acc += (x); else if (f_ == -1.0f) acc -= (x); \
                            else if (f_ != 0.0f) acc += f_ * (x); } while (0)

/// The 5x5 pixels of a tile's input window (stride 4), as indices into the NHWC input counted
/// in pixels, -1 outside the image.
INLINE void poly_window(const MonkWinogradShape *s, long tile, long *pixels) {
    long image = tile / (s->tileRows * s->tileCols), r = tile % (s->tileRows * s->tileCols);
    long iy0 = 2 * M * (r / s->tileCols) - s->padTop, ix0 = 2 * M * (r % s->tileCols) - s->padLeft;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            long iy = iy0 + i, ix = ix0 + j;
            pixels[N * i + j] = (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w) ? (image * s->h + iy) * s->w + ix : -1;
        }
    }
}

/// The 2x2 output pixels of a tile, -1 past the output's edge.
INLINE void poly_outputs(const MonkWinogradShape *s, long tile, long *pixels) {
    long image = tile / (s->tileRows * s->tileCols), r = tile % (s->tileRows * s->tileCols);
    long oy0 = M * (r / s->tileCols), ox0 = M * (r % s->tileCols);
    for (int a = 0; a < M; a++) {
        for (int b = 0; b < M; b++) {
            long oy = oy0 + a, ox = ox0 + b;
            pixels[M * a + b] = (oy < s->oh && ox < s->ow) ? (image * s->oh + oy) * s->ow + ox : -1;
        }
    }
}

MONK_CLONES
void monk_polyphase_input(const float *x, const MonkWinogradShape *s, long first, long count, float *v, long plane,
                          MonkWinogradEdges edges) {
    const long c = s->c;
    long slotOffset[SLOTS];
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) slotOffset[a * N + b] = poly_offset(a, b, plane);
    for (long t = 0; t < count; t++) {
        long px[SLOTS];
        poly_window(s, first + t, px);
        const float *d[SLOTS];
        for (int p = 0; p < SLOTS; p++) d[p] = px[p] >= 0 ? x + px[p] * c : edges.zeros;
        float *restrict out = v + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float e[N][N], r[N][N];
            UNROLL for (int i = 0; i < N; i++) UNROLL for (int j = 0; j < N; j++) e[i][j] = d[i * N + j][k];
            // BT' along the rows (i -> a) for every column j, then along the columns.
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int j = 0; j < N; j++) {
                float acc = -0.0f;
                UNROLL for (int i = 0; i < N; i++) MAC(acc, poly_bt(a, i), e[i][j]);
                r[a][j] = acc;
            }
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int b = 0; b < N; b++) {
                float acc = -0.0f;
                UNROLL for (int j = 0; j < N; j++) MAC(acc, poly_bt(b, j), r[a][j]);
                out[slotOffset[a * N + b] + k] = acc;
            }
        }
    }
}

MONK_CLONES
void monk_polyphase_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first, long count,
                                  float *dx, MonkWinogradEdges edges) {
    const long c = s->c;
    long slotOffset[SLOTS];
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) slotOffset[a * N + b] = poly_offset(a, b, plane);
    for (long t = 0; t < count; t++) {
        long px[SLOTS];
        poly_window(s, first + t, px);
        float *q[SLOTS];
        for (int p = 0; p < SLOTS; p++) q[p] = px[p] >= 0 ? dx + px[p] * c : edges.sink + p * c;
        const float *restrict in = dv + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float g[N][N], r[N][N];
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int b = 0; b < N; b++) g[a][b] = in[slotOffset[a * N + b] + k];
            // BT'ᵀ along the columns (b -> j), then along the rows (a -> i).
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int j = 0; j < N; j++) {
                float acc = -0.0f;
                UNROLL for (int b = 0; b < N; b++) MAC(acc, poly_bt(b, j), g[a][b]);
                r[a][j] = acc;
            }
            UNROLL for (int i = 0; i < N; i++) UNROLL for (int j = 0; j < N; j++) {
                float acc = -0.0f;
                UNROLL for (int a = 0; a < N; a++) MAC(acc, poly_bt(a, i), r[a][j]);
                q[i * N + j][k] += acc;
            }
        }
    }
}

MONK_CLONES
void monk_polyphase_output(const float *mm, long plane, const MonkWinogradShape *s, long first, long count,
                           const float *bias, float *y, MonkWinogradEdges edges) {
    const long o = s->o;
    const float *b0 = bias ? bias : edges.zeros;
    long slotOffset[SLOTS];
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) slotOffset[a * N + b] = poly_offset(a, b, plane);
    for (long t = 0; t < count; t++) {
        long px[M * M];
        poly_outputs(s, first + t, px);
        float *q[M * M];
        for (int p = 0; p < M * M; p++) q[p] = px[p] >= 0 ? y + px[p] * o : edges.sink + p * o;
        const float *restrict in = mm + t * o;
        const float *restrict bv = b0;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            float v[N][N], r[N][M];
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int b = 0; b < N; b++) v[a][b] = in[slotOffset[a * N + b] + k];
            // AT' along the columns (b -> jx) for every row a, then along the rows.
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int jx = 0; jx < M; jx++) {
                float acc = -0.0f;
                UNROLL for (int b = 0; b < N; b++) MAC(acc, poly_at(jx, b), v[a][b]);
                r[a][jx] = acc;
            }
            UNROLL for (int jy = 0; jy < M; jy++) UNROLL for (int jx = 0; jx < M; jx++) {
                float acc = bv[k];
                UNROLL for (int a = 0; a < N; a++) MAC(acc, poly_at(jy, a), r[a][jx]);
                q[jy * M + jx][k] = acc;
            }
        }
    }
}

MONK_CLONES
void monk_polyphase_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count, float *dm,
                                   long plane, MonkWinogradEdges edges) {
    const long o = s->o;
    long slotOffset[SLOTS];
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) slotOffset[a * N + b] = poly_offset(a, b, plane);
    for (long t = 0; t < count; t++) {
        long px[M * M];
        poly_outputs(s, first + t, px);
        const float *g[M * M];
        for (int p = 0; p < M * M; p++) g[p] = px[p] >= 0 ? dy + px[p] * o : edges.zeros;
        float *restrict out = dm + t * o;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            float e[M][M], r[N][M];
            UNROLL for (int jy = 0; jy < M; jy++) UNROLL for (int jx = 0; jx < M; jx++) e[jy][jx] = g[jy * M + jx][k];
            // AT'ᵀ along the rows (jy -> a), then along the columns (jx -> b).
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int jx = 0; jx < M; jx++) {
                float acc = -0.0f;
                UNROLL for (int jy = 0; jy < M; jy++) MAC(acc, poly_at(jy, a), e[jy][jx]);
                r[a][jx] = acc;
            }
            UNROLL for (int a = 0; a < N; a++) UNROLL for (int b = 0; b < N; b++) {
                float acc = -0.0f;
                UNROLL for (int jx = 0; jx < M; jx++) MAC(acc, poly_at(jx, b), r[a][jx]);
                out[slotOffset[a * N + b] + k] = acc;
            }
        }
    }
}

MONK_CLONES
void monk_polyphase_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                            long plane) {
    const long c = s->c;
    for (long f = first; f < first + count; f++) {
        const float *restrict g = w + f * 9 * c;
        float *restrict out = u + f * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float t[Q][3];
            UNROLL for (int qa = 0; qa < Q; qa++) UNROLL for (int kx = 0; kx < 3; kx++) {
                float acc = -0.0f;
                UNROLL for (int ky = 0; ky < 3; ky++) MAC(acc, poly_g(qa, ky), g[(3 * ky + kx) * c + k]);
                t[qa][kx] = acc;
            }
            UNROLL for (int qa = 0; qa < Q; qa++) UNROLL for (int qb = 0; qb < Q; qb++) {
                float acc = -0.0f;
                UNROLL for (int kx = 0; kx < 3; kx++) MAC(acc, poly_g(qb, kx), t[qa][kx]);
                out[(qa * Q + qb) * plane + k] = acc;
            }
        }
    }
}

MONK_CLONES
void monk_polyphase_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s, long first,
                                    long count, float *dw) {
        const long c = s->c, block = (long)Q * Q * plane;
    for (long f = first; f < first + count; f++) {
        float *restrict in = du + f * c;
        for (long q = 1; q < partials; q++) {
            for (int p = 0; p < Q * Q; p++) {
                float *restrict dst = in + p * plane;
                const float *restrict src = in + q * block + p * plane;
                #pragma clang loop vectorize(assume_safety)
                for (long k = 0; k < c; k++) dst[k] += src[k];
            }
        }
        float *restrict out = dw + f * 9 * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float t[Q][3];
            // G''ᵀ along qb (-> kx) for every qa, then along qa (-> ky).
            UNROLL for (int qa = 0; qa < Q; qa++) UNROLL for (int kx = 0; kx < 3; kx++) {
                float acc = -0.0f;
                UNROLL for (int qb = 0; qb < Q; qb++) MAC(acc, poly_g(qb, kx), in[(qa * Q + qb) * plane + k]);
                t[qa][kx] = acc;
            }
            UNROLL for (int ky = 0; ky < 3; ky++) UNROLL for (int kx = 0; kx < 3; kx++) {
                float acc = -0.0f;
                UNROLL for (int qa = 0; qa < Q; qa++) MAC(acc, poly_g(qa, ky), t[qa][kx]);
                out[(3 * ky + kx) * c + k] += acc;
            }
        }
    }
}
