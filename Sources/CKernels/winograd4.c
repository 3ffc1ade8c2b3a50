// Winograd F(4x4,3x3) tile transforms over channels: 6x6 input windows (stride 4), 36
// transformed positions, 4x4 output tiles; see CKernels.h and ConvWinograd.swift.
// Interpolation points 0, 1, -1, 1/2, -2 and infinity: over 10 random layers of 64 and 256
// channels their float32 error was a third to a half of the usual 0, ±1, ±2's (benchmarks/winograd_error.py,
// which derives these matrices and measures both):
//   B^T = [2 -3 -4 3 2 0; 0 -2 1 5 2 0; 0 -2 5 -1 -2 0; 0 2 1 -2 -1 0; 0 1 -2 -1 2 0; 0 2 -3 -4 3 2]
//   G   = [1/2 0 0; 1/6 1/6 1/6; 1/6 -1/6 1/6; 16/15 8/15 4/15; 1/30 -1/15 2/15; 0 0 1/2]
//   A^T = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0; 0 1 -1 1/8 -8 1]
// As in winograd.c, each loop runs over the channels of one tile's pixels, so the compiler
// vectorises across channels; a 2-D transform is the 1-D one along rows, then along columns.
// The loops over a tile's 36 positions are unrolled by pragma: past clang's full-unroll limit,
// it otherwise vectorised those short inner loops and left the channel loop scalar
// (-Rpass=loop-vectorize).
#include "CKernels.h"
#include "winograd_tiles.h"

#if defined(__x86_64__) && defined(__linux__)
#define MONK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MONK_CLONES
#endif

// The 1-D transforms on 6 (or 4, or 3) values `step` floats apart, so one function serves
// rows (step 1) and columns (step 6).

/// out = B^T in.
static inline void bt6(const float *in, long step, float *out, long ostep) {
    float d0 = in[0], d1 = in[step], d2 = in[2 * step], d3 = in[3 * step], d4 = in[4 * step], d5 = in[5 * step];
    out[0] = 2.0f * (d0 + d4) - 3.0f * d1 - 4.0f * d2 + 3.0f * d3;
    out[ostep] = 2.0f * (d4 - d1) + d2 + 5.0f * d3;
    out[2 * ostep] = -2.0f * (d1 + d4) + 5.0f * d2 - d3;
    out[3 * ostep] = 2.0f * (d1 - d3) + (d2 - d4);
    out[4 * ostep] = 2.0f * (d4 - d2) + (d1 - d3);
    out[5 * ostep] = 2.0f * (d1 + d5) - 3.0f * d2 - 4.0f * d3 + 3.0f * d4;
}

/// out = B in, the adjoint of bt6.
static inline void b6(const float *in, long step, float *out, long ostep) {
    float v0 = in[0], v1 = in[step], v2 = in[2 * step], v3 = in[3 * step], v4 = in[4 * step], v5 = in[5 * step];
    out[0] = 2.0f * v0;
    out[ostep] = 2.0f * (v3 + v5 - v1 - v2) - 3.0f * v0 + v4;
    out[2 * ostep] = (v1 + v3) + 5.0f * v2 - 4.0f * v0 - 2.0f * v4 - 3.0f * v5;
    out[3 * ostep] = 3.0f * v0 + 5.0f * v1 - (v2 + v4) - 2.0f * v3 - 4.0f * v5;
    out[4 * ostep] = 2.0f * (v0 + v1 - v2 + v4) - v3 + 3.0f * v5;
    out[5 * ostep] = 2.0f * v5;
}

/// out (4 values) = A^T in (6 values).
static inline void at6(const float *in, long step, float *out, long ostep) {
    float m0 = in[0], m1 = in[step], m2 = in[2 * step], m3 = in[3 * step], m4 = in[4 * step], m5 = in[5 * step];
    float p12 = m1 + m2, n12 = m1 - m2;
    out[0] = m0 + p12 + m3 + m4;
    out[ostep] = n12 + 0.5f * m3 - 2.0f * m4;
    out[2 * ostep] = p12 + 0.25f * m3 + 4.0f * m4;
    out[3 * ostep] = n12 + 0.125f * m3 - 8.0f * m4 + m5;
}

/// out (6 values) = A in (4 values), the adjoint of at6.
static inline void a6(const float *in, long step, float *out, long ostep) {
    float y0 = in[0], y1 = in[step], y2 = in[2 * step], y3 = in[3 * step];
    float e02 = y0 + y2, o13 = y1 + y3;
    out[0] = y0;
    out[ostep] = e02 + o13;
    out[2 * ostep] = e02 - o13;
    out[3 * ostep] = y0 + 0.5f * y1 + 0.25f * y2 + 0.125f * y3;
    out[4 * ostep] = y0 - 2.0f * y1 + 4.0f * y2 - 8.0f * y3;
    out[5 * ostep] = y3;
}

/// out (6 values) = G in (3 values).
static inline void g6(const float *in, long step, float *out, long ostep) {
    float g0 = in[0], g1 = in[step], g2 = in[2 * step];
    float even = g0 + g2;
    out[0] = 0.5f * g0;
    out[ostep] = (even + g1) * (1.0f / 6.0f);
    out[2 * ostep] = (even - g1) * (1.0f / 6.0f);
    out[3 * ostep] = (4.0f * g0 + 2.0f * g1 + g2) * (4.0f / 15.0f);
    out[4 * ostep] = (g0 - 2.0f * g1 + 4.0f * g2) * (1.0f / 30.0f);
    out[5 * ostep] = 0.5f * g2;
}

/// out (3 values) = G^T in (6 values), the adjoint of g6.
static inline void gt6(const float *in, long step, float *out, long ostep) {
    float u0 = in[0], u1 = in[step], u2 = in[2 * step], u3 = in[3 * step], u4 = in[4 * step], u5 = in[5 * step];
    float p12 = (u1 + u2) * (1.0f / 6.0f), n12 = (u1 - u2) * (1.0f / 6.0f);
    float w3 = u3 * (4.0f / 15.0f), w4 = u4 * (1.0f / 30.0f);
    out[0] = 0.5f * u0 + p12 + 4.0f * w3 + w4;
    out[ostep] = n12 + 2.0f * (w3 - w4);
    out[2 * ostep] = p12 + w3 + 4.0f * w4 + 0.5f * u5;
}

MONK_CLONES
void monk_winograd4_input(const float *x, const MonkWinogradShape *s, long first, long count,
                          float *v, long plane, MonkWinogradEdges edges) {
    const long c = s->c;
    for (long t = 0; t < count; t++) {
        long px[36];
        monk_tile_window(s, first + t, 4, px);
        const float *d[36];
        for (int p = 0; p < 36; p++) d[p] = px[p] >= 0 ? x + px[p] * c : edges.zeros;
        float *out = v + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float a[36], r[36], o[36];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) a[p] = d[p][k];
            #pragma clang loop unroll(full)
            for (int j = 0; j < 6; j++) bt6(a + j, 6, r + j, 6);      // B^T d: along each column
            #pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) bt6(r + 6 * i, 1, o + 6 * i, 1); // (B^T d) B: along each row
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) out[p * plane + k] = o[p];
        }
    }
}

MONK_CLONES
void monk_winograd4_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first,
                                  long count, float *dx, MonkWinogradEdges edges) {
    const long c = s->c;
    for (long t = 0; t < count; t++) {
        long px[36];
        monk_tile_window(s, first + t, 4, px);
        float *q[36];
        for (int p = 0; p < 36; p++) q[p] = px[p] >= 0 ? dx + px[p] * c : edges.sink + p * c;
        const float *in = dv + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float a[36], r[36], o[36];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) a[p] = in[p * plane + k];
            #pragma clang loop unroll(full)
            for (int j = 0; j < 6; j++) b6(a + j, 6, r + j, 6);
            #pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) b6(r + 6 * i, 1, o + 6 * i, 1);
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) q[p][k] += o[p];
        }
    }
}

MONK_CLONES
void monk_winograd4_output(const float *m, long plane, const MonkWinogradShape *s, long first, long count,
                           const float *bias, float *y, MonkWinogradEdges edges) {
    const long o = s->o;
    const float *b = bias ? bias : edges.zeros;
    for (long t = 0; t < count; t++) {
        long px[16];
        monk_tile_outputs(s, first + t, 4, px);
        float *q[16];
        for (int p = 0; p < 16; p++) q[p] = px[p] >= 0 ? y + px[p] * o : edges.sink + p * o;
        const float *in = m + t * o;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            float a[36], r[24], out[16];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) a[p] = in[p * plane + k];
            #pragma clang loop unroll(full)
            for (int j = 0; j < 6; j++) at6(a + j, 6, r + j, 6);      // 4 rows of 6
            #pragma clang loop unroll(full)
            for (int i = 0; i < 4; i++) at6(r + 6 * i, 1, out + 4 * i, 1);
            #pragma clang loop unroll(full)
            for (int p = 0; p < 16; p++) q[p][k] = out[p] + b[k];
        }
    }
}

MONK_CLONES
void monk_winograd4_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count,
                                   float *dm, long plane, MonkWinogradEdges edges) {
    const long o = s->o;
    for (long t = 0; t < count; t++) {
        long px[16];
        monk_tile_outputs(s, first + t, 4, px);
        const float *g[16];
        for (int p = 0; p < 16; p++) g[p] = px[p] >= 0 ? dy + px[p] * o : edges.zeros;
        float *out = dm + t * o;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            float a[16], r[24], e[36];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 16; p++) a[p] = g[p][k];
            #pragma clang loop unroll(full)
            for (int j = 0; j < 4; j++) a6(a + j, 4, r + j, 4);       // 6 rows of 4
            #pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) a6(r + 4 * i, 1, e + 6 * i, 1);
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) out[p * plane + k] = e[p];
        }
    }
}

MONK_CLONES
void monk_winograd4_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                            long plane) {
    const long c = s->c;
    for (long f = first; f < first + count; f++) {
        const float *g = w + f * 9 * c;
        float *out = u + f * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float a[9], r[18], e[36];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 9; p++) a[p] = g[p * c + k];          // [ky][kx]
            #pragma clang loop unroll(full)
            for (int j = 0; j < 3; j++) g6(a + j, 3, r + j, 3);       // 6 rows of 3
            #pragma clang loop unroll(full)
            for (int i = 0; i < 6; i++) g6(r + 3 * i, 1, e + 6 * i, 1);
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) out[p * plane + k] = e[p];
        }
    }
}

MONK_CLONES
void monk_winograd4_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s,
                                    long first, long count, float *dw) {
    const long c = s->c, block = 36 * plane;
    for (long f = first; f < first + count; f++) {
        float *in = du + f * c;
        for (long q = 1; q < partials; q++) {
            for (int p = 0; p < 36; p++) {
                float *restrict dst = in + p * plane;
                const float *restrict src = in + q * block + p * plane;
                #pragma clang loop vectorize(assume_safety)
                for (long k = 0; k < c; k++) dst[k] += src[k];
            }
        }
        float *out = dw + f * 9 * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float a[36], r[18], e[9];
            #pragma clang loop unroll(full)
            for (int p = 0; p < 36; p++) a[p] = in[p * plane + k];
            #pragma clang loop unroll(full)
            for (int j = 0; j < 6; j++) gt6(a + j, 6, r + j, 6);      // 3 rows of 6
            #pragma clang loop unroll(full)
            for (int i = 0; i < 3; i++) gt6(r + 6 * i, 1, e + 3 * i, 1);
            #pragma clang loop unroll(full)
            for (int p = 0; p < 9; p++) out[p * c + k] += e[p];
        }
    }
}
