// Winograd F(2x2,3x3) tile transforms over channels; see CKernels.h and ConvWinograd.swift.
// Every loop runs over the channels of 4x4 (or 2x2) pixels held in named locals, so the
// compiler vectorises it across channels; the pixel pointers are chosen once per tile. The
// pointers of one loop never overlap (distinct pixels, private sink slots, separate buffers),
// which `assume_safety` tells the vectoriser.
#include "CKernels.h"
#include "winograd_tiles.h"

#if defined(__x86_64__) && defined(__linux__)
#define MONK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MONK_CLONES
#endif

MONK_CLONES
void monk_winograd_input(const float *x, const MonkWinogradShape *s, long first, long count,
                         float *v, long plane, MonkWinogradEdges edges) {
    const long c = s->c;
    for (long t = 0; t < count; t++) {
        long px[16];
        monk_tile_window(s, first + t, 2, px);
        const float *d[16];
        for (int p = 0; p < 16; p++) d[p] = px[p] >= 0 ? x + px[p] * c : edges.zeros;
        const float *restrict d00 = d[0], *restrict d01 = d[1], *restrict d02 = d[2], *restrict d03 = d[3];
        const float *restrict d10 = d[4], *restrict d11 = d[5], *restrict d12 = d[6], *restrict d13 = d[7];
        const float *restrict d20 = d[8], *restrict d21 = d[9], *restrict d22 = d[10], *restrict d23 = d[11];
        const float *restrict d30 = d[12], *restrict d31 = d[13], *restrict d32 = d[14], *restrict d33 = d[15];
        float *restrict out = v + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            // Bt along rows (i) for each column j, then along columns.
            float r00 = d00[k] - d20[k], r01 = d01[k] - d21[k], r02 = d02[k] - d22[k], r03 = d03[k] - d23[k];
            float r10 = d10[k] + d20[k], r11 = d11[k] + d21[k], r12 = d12[k] + d22[k], r13 = d13[k] + d23[k];
            float r20 = d20[k] - d10[k], r21 = d21[k] - d11[k], r22 = d22[k] - d12[k], r23 = d23[k] - d13[k];
            float r30 = d10[k] - d30[k], r31 = d11[k] - d31[k], r32 = d12[k] - d32[k], r33 = d13[k] - d33[k];
            out[0 * plane + k] = r00 - r02;  out[1 * plane + k] = r01 + r02;
            out[2 * plane + k] = r02 - r01;  out[3 * plane + k] = r01 - r03;
            out[4 * plane + k] = r10 - r12;  out[5 * plane + k] = r11 + r12;
            out[6 * plane + k] = r12 - r11;  out[7 * plane + k] = r11 - r13;
            out[8 * plane + k] = r20 - r22;  out[9 * plane + k] = r21 + r22;
            out[10 * plane + k] = r22 - r21; out[11 * plane + k] = r21 - r23;
            out[12 * plane + k] = r30 - r32; out[13 * plane + k] = r31 + r32;
            out[14 * plane + k] = r32 - r31; out[15 * plane + k] = r31 - r33;
        }
    }
}

MONK_CLONES
void monk_winograd_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first,
                                 long count, float *dx, MonkWinogradEdges edges) {
    const long c = s->c;
    for (long t = 0; t < count; t++) {
        long px[16];
        monk_tile_window(s, first + t, 2, px);
        float *q[16];
        for (int p = 0; p < 16; p++) q[p] = px[p] >= 0 ? dx + px[p] * c : edges.sink + p * c;
        float *restrict q00 = q[0], *restrict q01 = q[1], *restrict q02 = q[2], *restrict q03 = q[3];
        float *restrict q10 = q[4], *restrict q11 = q[5], *restrict q12 = q[6], *restrict q13 = q[7];
        float *restrict q20 = q[8], *restrict q21 = q[9], *restrict q22 = q[10], *restrict q23 = q[11];
        float *restrict q30 = q[12], *restrict q31 = q[13], *restrict q32 = q[14], *restrict q33 = q[15];
        const float *restrict in = dv + t * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float v[16];
            for (int p = 0; p < 16; p++) v[p] = in[p * plane + k];
            // B along rows: (v0, v1 - v2 + v3, v1 + v2 - v0, -v3) for each column j.
            float a[16];
            for (int j = 0; j < 4; j++) {
                a[j] = v[j];
                a[4 + j] = v[4 + j] - v[8 + j] + v[12 + j];
                a[8 + j] = v[4 + j] + v[8 + j] - v[j];
                a[12 + j] = -v[12 + j];
            }
            // Then along columns for each row i.
            q00[k] += a[0]; q01[k] += a[1] - a[2] + a[3]; q02[k] += a[1] + a[2] - a[0]; q03[k] -= a[3];
            q10[k] += a[4]; q11[k] += a[5] - a[6] + a[7]; q12[k] += a[5] + a[6] - a[4]; q13[k] -= a[7];
            q20[k] += a[8]; q21[k] += a[9] - a[10] + a[11]; q22[k] += a[9] + a[10] - a[8]; q23[k] -= a[11];
            q30[k] += a[12]; q31[k] += a[13] - a[14] + a[15]; q32[k] += a[13] + a[14] - a[12]; q33[k] -= a[15];
        }
    }
}

MONK_CLONES
void monk_winograd_output(const float *m, long plane, const MonkWinogradShape *s, long first, long count,
                          const float *bias, float *y, MonkWinogradEdges edges) {
    const long o = s->o;
    const float *b = bias ? bias : edges.zeros;
    for (long t = 0; t < count; t++) {
        long px[4];
        monk_tile_outputs(s, first + t, 2, px);
        float *restrict y00 = px[0] >= 0 ? y + px[0] * o : edges.sink;
        float *restrict y01 = px[1] >= 0 ? y + px[1] * o : edges.sink + o;
        float *restrict y10 = px[2] >= 0 ? y + px[2] * o : edges.sink + 2 * o;
        float *restrict y11 = px[3] >= 0 ? y + px[3] * o : edges.sink + 3 * o;
        const float *restrict in = m + t * o;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            float v[16];
            for (int p = 0; p < 16; p++) v[p] = in[p * plane + k];
            // At along rows: (m0 + m1 + m2, m1 - m2 - m3) for each column j, then along columns.
            float s0[4], s1[4];
            for (int j = 0; j < 4; j++) {
                s0[j] = v[j] + v[4 + j] + v[8 + j];
                s1[j] = v[4 + j] - v[8 + j] - v[12 + j];
            }
            y00[k] = s0[0] + s0[1] + s0[2] + b[k];
            y01[k] = s0[1] - s0[2] - s0[3] + b[k];
            y10[k] = s1[0] + s1[1] + s1[2] + b[k];
            y11[k] = s1[1] - s1[2] - s1[3] + b[k];
        }
    }
}

MONK_CLONES
void monk_winograd_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count,
                                  float *dm, long plane, MonkWinogradEdges edges) {
    const long o = s->o;
    for (long t = 0; t < count; t++) {
        long px[4];
        monk_tile_outputs(s, first + t, 2, px);
        const float *restrict g00 = px[0] >= 0 ? dy + px[0] * o : edges.zeros;
        const float *restrict g01 = px[1] >= 0 ? dy + px[1] * o : edges.zeros;
        const float *restrict g10 = px[2] >= 0 ? dy + px[2] * o : edges.zeros;
        const float *restrict g11 = px[3] >= 0 ? dy + px[3] * o : edges.zeros;
        float *restrict out = dm + t * o;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < o; k++) {
            // A along columns: (y0, y0 + y1, y0 - y1, -y1) for each output row, then along rows.
            float e0[4] = { g00[k], g00[k] + g01[k], g00[k] - g01[k], -g01[k] };
            float e1[4] = { g10[k], g10[k] + g11[k], g10[k] - g11[k], -g11[k] };
            for (int j = 0; j < 4; j++) {
                out[j * plane + k] = e0[j];
                out[(4 + j) * plane + k] = e0[j] + e1[j];
                out[(8 + j) * plane + k] = e0[j] - e1[j];
                out[(12 + j) * plane + k] = -e1[j];
            }
        }
    }
}

MONK_CLONES
void monk_winograd_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                           long plane) {
    const long c = s->c;
    for (long f = first; f < first + count; f++) {
        const float *restrict g = w + f * 9 * c;
        float *restrict out = u + f * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            // G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1] along ky for each kx, then along kx.
            float t[4][3];
            for (int kx = 0; kx < 3; kx++) {
                float g0 = g[kx * c + k], g1 = g[(3 + kx) * c + k], g2 = g[(6 + kx) * c + k];
                t[0][kx] = g0;
                t[1][kx] = 0.5f * (g0 + g1 + g2);
                t[2][kx] = 0.5f * (g0 - g1 + g2);
                t[3][kx] = g2;
            }
            for (int i = 0; i < 4; i++) {
                out[(4 * i) * plane + k] = t[i][0];
                out[(4 * i + 1) * plane + k] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                out[(4 * i + 2) * plane + k] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                out[(4 * i + 3) * plane + k] = t[i][2];
            }
        }
    }
}

MONK_CLONES
void monk_winograd_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s,
                                   long first, long count, float *dw) {
    const long c = s->c, block = 16 * plane;
    for (long f = first; f < first + count; f++) {
        float *restrict in = du + f * c;
        // Sum the partial blocks into the first (a loop of its own, so both loops vectorise).
        for (long q = 1; q < partials; q++) {
            for (int p = 0; p < 16; p++) {
                float *restrict dst = in + p * plane;
                const float *restrict src = in + q * block + p * plane;
                #pragma clang loop vectorize(assume_safety)
                for (long k = 0; k < c; k++) dst[k] += src[k];
            }
        }
        float *restrict out = dw + f * 9 * c;
        #pragma clang loop vectorize(assume_safety)
        for (long k = 0; k < c; k++) {
            float v[16];
            for (int p = 0; p < 16; p++) v[p] = in[p * plane + k];
            // Gt along i (-> ky) for each column j, then along j (-> kx).
            float b[3][4];
            for (int j = 0; j < 4; j++) {
                float half = 0.5f * (v[4 + j] + v[8 + j]);
                b[0][j] = v[j] + half;
                b[1][j] = 0.5f * (v[4 + j] - v[8 + j]);
                b[2][j] = half + v[12 + j];
            }
            for (int ky = 0; ky < 3; ky++) {
                float half = 0.5f * (b[ky][1] + b[ky][2]);
                out[(3 * ky) * c + k] += b[ky][0] + half;
                out[(3 * ky + 1) * c + k] += 0.5f * (b[ky][1] - b[ky][2]);
                out[(3 * ky + 2) * c + k] += half + b[ky][3];
            }
        }
    }
}
